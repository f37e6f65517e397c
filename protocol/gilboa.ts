/**
 * Gilboa's product of two private ring values from correlated OT (Gilboa, CRYPTO 1999; as used
 * for Beaver triples in SecureML, Mohassel & Zhang, S&P 2017), in its vector form.
 *
 * The sender holds, for each of N scalars of the receiver, a vector x_t of L ring values; the
 * receiver holds the scalars b_t. They end with additive shares of b_t · x_t (N × L values):
 * for each bit j of b_t one correlated OT with choice bit b_{t,j} and correlation vector
 * x_t mod 2^(64−j). The receiver obtains m0 + b_{t,j} · x_t and the sender keeps m0, so
 * Σ_j 2^j (received) − Σ_j 2^j m0 = b_t · x_t mod 2^64. Bit j only matters mod 2^(64−j), so
 * the OT messages are cut to 64 − j bits: l(l+1)/2 = 2080 correction bits per vector element
 * plus the OT extension's 128 bits per OT. With L = 1 this is the scalar Gilboa product; with
 * L > 1 one OT per bit serves a whole vector (vector OLE).
 *
 * Security (semi-honest): the receiver's view is the correlated-OT output, which is m0 plus a
 * multiple of x_t with m0 uniform to it (OT-extension security, correlation-robust hash), so
 * its output share is uniform; the sender learns nothing about the choice bits (OT receiver
 * privacy). Nothing else is exchanged. Inherits the security of the OT extension in ot/.
 *
 * Memory is bounded: the work is cut into OT batches of at most {@link MAX_OT_VALUES_PER_CALL}
 * message values, splitting long vectors into slices when needed. Both parties derive the same
 * cut from the public N and L.
 *
 * @module
 */

import type { MpcContext } from "./context.ts";

/** Upper bound on count × vectorLength per correlated-OT call (about 4 MiB of messages). */
export const MAX_OT_VALUES_PER_CALL = 1 << 19;

/** 2^j for j < 64, as ring elements. */
const POWERS_OF_TWO: BigUint64Array = (() => {
  const p = new BigUint64Array(64);
  for (let j = 0; j < 64; j++) p[j] = 1n << BigInt(j);
  return p;
})();

/** −2^j mod 2^64 for j < 64 (the sender's output is minus the sum of its messages). */
const NEGATED_POWERS_OF_TWO: BigUint64Array = POWERS_OF_TWO.map((p) => -p);

/** Masks of the low and high 32-bit words of a value reduced to width 64 − j. */
const LOW_MASKS = new Uint32Array(64);
const HIGH_MASKS = new Uint32Array(64);
for (let j = 0; j < 64; j++) {
  const width = 64 - j;
  LOW_MASKS[j] = width >= 32 ? 0xffffffff : 2 ** width - 1;
  HIGH_MASKS[j] = width > 32 ? 2 ** (width - 32) - 1 : 0;
}

const widthPatterns = new Map<number, Uint8Array>();

/** Widths 64, 63, ..., 1 repeated for `scalars` scalars (cached: calls repeat the same shape). */
function gilboaWidths(scalars: number): Uint8Array {
  let widths = widthPatterns.get(scalars);
  if (!widths) {
    widths = new Uint8Array(scalars * 64);
    for (let i = 0; i < widths.length; i++) widths[i] = 64 - (i & 63);
    if (widthPatterns.size > 16) widthPatterns.clear();
    widthPatterns.set(scalars, widths);
  }
  return widths;
}

interface Block {
  /** First scalar and number of scalars. */
  t0: number;
  scalars: number;
  /** First vector element and number of elements. */
  v0: number;
  slice: number;
}

/** The same cut of the (N, L) work into OT batches on both sides. */
function blocks(count: number, vectorLength: number): Block[] {
  const out: Block[] = [];
  const perScalar = 64 * vectorLength;
  if (perScalar <= MAX_OT_VALUES_PER_CALL) {
    const step = Math.max(1, Math.floor(MAX_OT_VALUES_PER_CALL / perScalar));
    for (let t0 = 0; t0 < count; t0 += step) {
      out.push({ t0, scalars: Math.min(step, count - t0), v0: 0, slice: vectorLength });
    }
  } else {
    const sliceLength = Math.floor(MAX_OT_VALUES_PER_CALL / 64);
    for (let t0 = 0; t0 < count; t0++) {
      for (let v0 = 0; v0 < vectorLength; v0 += sliceLength) {
        out.push({ t0, scalars: 1, v0, slice: Math.min(sliceLength, vectorLength - v0) });
      }
    }
  }
  return out;
}

function checkShape(values: number, vectorLength: number, what: string): void {
  if (!Number.isInteger(vectorLength) || vectorLength < 1 || values % vectorLength !== 0) {
    throw new RangeError(`${what}: ${values} values do not form vectors of length ${vectorLength}`);
  }
}

/**
 * Writes the correlation of OT (t, j), element v: x_t[v] mod 2^(64−j), through 32-bit views
 * (BigInt masking is not lowered by V8, 32-bit integer ops are).
 */
function fillCorrelations(
  vectors32: Uint32Array,
  vectorLength: number,
  block: Block,
  out32: Uint32Array,
): void {
  const { t0, scalars, v0, slice } = block;
  let o = 0;
  for (let t = 0; t < scalars; t++) {
    const base = ((t0 + t) * vectorLength + v0) * 2;
    if (slice === 1) {
      const lo = vectors32[base];
      const hi = vectors32[base + 1];
      for (let j = 0; j < 64; j++) {
        out32[o++] = lo & LOW_MASKS[j];
        out32[o++] = hi & HIGH_MASKS[j];
      }
      continue;
    }
    for (let j = 0; j < 64; j++) {
      const loMask = LOW_MASKS[j];
      const hiMask = HIGH_MASKS[j];
      for (let v = 0; v < slice; v++) {
        out32[o++] = vectors32[base + 2 * v] & loMask;
        out32[o++] = vectors32[base + 2 * v + 1] & hiMask;
      }
    }
  }
}

/**
 * Folds OT outputs (layout [(t·64 + j)·slice + v]) into Σ_j ±2^j · value for each (t, v) of
 * the block, adding into `result` (N × L, row-major).
 */
function accumulate(
  values: BigUint64Array,
  block: Block,
  vectorLength: number,
  negate: boolean,
  result: BigUint64Array,
): void {
  const { t0, scalars, v0, slice } = block;
  for (let t = 0; t < scalars; t++) {
    const base = (t0 + t) * vectorLength + v0;
    const otBase = t * 64 * slice;
    for (let j = 0; j < 64; j++) {
      const scale = negate ? NEGATED_POWERS_OF_TWO[j] : POWERS_OF_TWO[j];
      const row = otBase + j * slice;
      for (let v = 0; v < slice; v++) result[base + v] += values[row + v] * scale;
    }
  }
}

/**
 * Sender half: this party holds `vectors` (N × L row-major) and gets its share of b_t · x_t
 * (N × L), where the peer holds the scalars b_t (it runs {@link gilboaReceiver}).
 */
export async function gilboaSender(
  ctx: MpcContext,
  vectors: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  checkShape(vectors.length, vectorLength, "gilboaSender");
  const count = vectors.length / vectorLength;
  const result = new BigUint64Array(vectors.length);
  const vectors32 = new Uint32Array(vectors.buffer, vectors.byteOffset, vectors.length * 2);
  for (const block of blocks(count, vectorLength)) {
    const correlations = new BigUint64Array(block.scalars * 64 * block.slice);
    fillCorrelations(
      vectors32,
      vectorLength,
      block,
      new Uint32Array(correlations.buffer, 0, correlations.length * 2),
    );
    const m0 = await ctx.ot.sender.correlatedOtRing(
      correlations,
      block.slice,
      gilboaWidths(block.scalars),
    );
    if (m0.length !== correlations.length) {
      throw new Error(
        `gilboaSender: OT returned ${m0.length} values, expected ${correlations.length}`,
      );
    }
    accumulate(m0, block, vectorLength, true, result);
  }
  return result;
}

/**
 * Receiver half: this party holds the N scalars b_t and gets its share of b_t · x_t (N × L),
 * where the peer holds the vectors x_t (it runs {@link gilboaSender}).
 */
export async function gilboaReceiver(
  ctx: MpcContext,
  scalars: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  checkShape(scalars.length * vectorLength, vectorLength, "gilboaReceiver");
  const result = new BigUint64Array(scalars.length * vectorLength);
  // Choice bit (t, j) is bit j of b_t: the little-endian bytes of the scalars, packed LSB-first.
  const scalarBytes = new Uint8Array(scalars.buffer, scalars.byteOffset, scalars.length * 8);
  for (const block of blocks(scalars.length, vectorLength)) {
    const choices = scalarBytes.slice(block.t0 * 8, (block.t0 + block.scalars) * 8);
    const out = await ctx.ot.receiver.correlatedOtRing(
      block.scalars * 64,
      block.slice,
      gilboaWidths(block.scalars),
      choices,
    );
    if (out.values.length !== block.scalars * 64 * block.slice) {
      throw new Error(`gilboaReceiver: OT returned ${out.values.length} values`);
    }
    accumulate(out.values, block, vectorLength, false, result);
  }
  return result;
}
