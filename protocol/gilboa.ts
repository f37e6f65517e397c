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
 * Scalar products (L = 1) over this project's IKNP endpoints take the folded fast path of
 * ot/gilboa_fold.ts: the same OT messages in one pipelined stream, each OT's value summed into
 * its scalar's share as it arrives. Both parties must run the same OT implementation (they
 * always do: setupOtEndpoints on both sides).
 *
 * Memory is bounded: the work is cut into OT batches of at most {@link MAX_OT_VALUES_PER_CALL}
 * message values, splitting long vectors into slices when needed. Both parties derive the same
 * cut from the public N and L.
 *
 * @module
 */

import type { MpcContext } from "./context.ts";
import { packScalarBits } from "../ot/gilboa_fold.ts";
import { IknpReceiver, IknpSender } from "../ot/iknp.ts";

/**
 * Upper bound on count × vectorLength per correlated-OT call (8 MiB of messages). Each call
 * fills and drains the OT pipeline once (one party idles meanwhile), so calls are kept large:
 * a batch of 8192 triples is exactly one call.
 */
export const MAX_OT_VALUES_PER_CALL = 1 << 20;

/** Masks of the low and high 32-bit words of a value reduced to width w (index w ∈ [0, 64]). */
const LOW_MASKS = new Uint32Array(65);
const HIGH_MASKS = new Uint32Array(65);
for (let w = 0; w <= 64; w++) {
  LOW_MASKS[w] = w >= 32 ? 0xffffffff : 2 ** w - 1;
  HIGH_MASKS[w] = w > 32 ? 2 ** (w - 32) - 1 : 0;
}

const TWO_32 = 4294967296;

const widthPatterns = new Map<number, Uint8Array>();

/**
 * Widths bits, bits − 1, ..., 1 repeated for `scalars` scalars (cached: calls repeat the same
 * shape).
 */
function gilboaWidths(scalars: number, bits: number): Uint8Array {
  const key = scalars * 65 + bits;
  let widths = widthPatterns.get(key);
  if (!widths) {
    widths = new Uint8Array(scalars * bits);
    for (let t = 0, i = 0; t < scalars; t++) {
      for (let j = 0; j < bits; j++) widths[i++] = bits - j;
    }
    if (widthPatterns.size > 16) widthPatterns.clear();
    widthPatterns.set(key, widths);
  }
  return widths;
}

/**
 * The product computed: 2^shift · b · x mod 2^64 from the multiplier bits j < 64 − shift (bit j
 * contributes 2^(j+shift) · x, which only depends on x mod 2^(64−shift−j); higher bits
 * contribute multiples of 2^64).
 */
interface ProductShape {
  /** Multiplier bits used = OTs per scalar (64 − shift). */
  bits: number;
  /** Power of two the product is multiplied by. */
  shift: number;
}

const PLAIN: ProductShape = { bits: 64, shift: 0 };
const DOUBLED: ProductShape = { bits: 63, shift: 1 };

interface Block {
  /** First scalar and number of scalars. */
  t0: number;
  scalars: number;
  /** First vector element and number of elements. */
  v0: number;
  slice: number;
}

/** The same cut of the (N, L) work into OT batches on both sides. */
function blocks(count: number, vectorLength: number, bits: number): Block[] {
  const out: Block[] = [];
  const perScalar = bits * vectorLength;
  if (perScalar <= MAX_OT_VALUES_PER_CALL) {
    const step = Math.max(1, Math.floor(MAX_OT_VALUES_PER_CALL / perScalar));
    for (let t0 = 0; t0 < count; t0 += step) {
      out.push({ t0, scalars: Math.min(step, count - t0), v0: 0, slice: vectorLength });
    }
  } else {
    const sliceLength = Math.floor(MAX_OT_VALUES_PER_CALL / bits);
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
 * Writes the correlation of OT (t, j), element v: x_t[v] mod 2^(bits−j), through 32-bit views
 * (BigInt masking is not lowered by V8, 32-bit integer ops are).
 */
function fillCorrelations(
  vectors32: Uint32Array,
  vectorLength: number,
  block: Block,
  bits: number,
  out32: Uint32Array,
): void {
  const { t0, scalars, v0, slice } = block;
  let o = 0;
  for (let t = 0; t < scalars; t++) {
    const base = ((t0 + t) * vectorLength + v0) * 2;
    if (slice === 1) {
      const lo = vectors32[base];
      const hi = vectors32[base + 1];
      for (let w = bits; w > 0; w--) {
        out32[o++] = lo & LOW_MASKS[w];
        out32[o++] = hi & HIGH_MASKS[w];
      }
      continue;
    }
    for (let w = bits; w > 0; w--) {
      const loMask = LOW_MASKS[w];
      const hiMask = HIGH_MASKS[w];
      for (let v = 0; v < slice; v++) {
        out32[o++] = vectors32[base + 2 * v] & loMask;
        out32[o++] = vectors32[base + 2 * v + 1] & hiMask;
      }
    }
  }
}

/**
 * Folds OT outputs (u32 view, layout [(t·bits + j)·slice + v]) into ± Σ_j 2^(j+shift) · value
 * for each (t, v) of the block, adding into `result32` (u32 view of N × L ring values). A
 * value of OT j has width bits − j, so the shift by j + shift never overflows 64 bits and the
 * sum is done on 32-bit halves with exact float accumulators (64 terms < 2^39).
 */
function accumulate(
  values32: Uint32Array,
  block: Block,
  vectorLength: number,
  shape: ProductShape,
  negate: boolean,
  result32: Uint32Array,
): void {
  const { t0, scalars, v0, slice } = block;
  const { bits, shift } = shape;
  for (let t = 0; t < scalars; t++) {
    const base = (t0 + t) * vectorLength + v0;
    const otBase = t * bits * slice;
    for (let v = 0; v < slice; v++) {
      let sumLo = 0;
      let sumHi = 0;
      let p = (otBase + v) * 2;
      const stride = slice * 2;
      for (let j = 0; j < bits; j++, p += stride) {
        const s = j + shift;
        const lo = values32[p];
        if (s === 0) {
          sumLo += lo;
          sumHi += values32[p + 1];
        } else if (s < 32) {
          sumLo += (lo << s) >>> 0;
          sumHi += ((values32[p + 1] << s) | (lo >>> (32 - s))) >>> 0;
        } else {
          sumHi += (lo << (s - 32)) >>> 0;
        }
      }
      let lo = sumLo >>> 0;
      let hi = (sumHi + Math.floor(sumLo / TWO_32)) >>> 0;
      if (negate) {
        hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
        lo = (-lo) >>> 0;
      }
      const r = (base + v) * 2;
      const low = result32[r] + lo;
      result32[r] = low >>> 0;
      result32[r + 1] = (result32[r + 1] + hi + (low >= TWO_32 ? 1 : 0)) >>> 0;
    }
  }
}

/** Packs bits j < bits of each scalar of the block, LSB-first, as the OT choice bits. */
function packChoices(scalars32: Uint32Array, block: Block, bits: number): Uint8Array {
  const view = scalars32.subarray(2 * block.t0, 2 * (block.t0 + block.scalars));
  return packScalarBits(view, block.scalars, bits);
}

async function productSender(
  ctx: MpcContext,
  vectors: BigUint64Array,
  vectorLength: number,
  shape: ProductShape,
  what: string,
): Promise<BigUint64Array> {
  checkShape(vectors.length, vectorLength, what);
  if (vectorLength === 1 && ctx.ot.sender instanceof IknpSender) {
    // Scalar products: folded inside one pipelined OT stream (ot/gilboa_fold.ts), same
    // messages without the per-OT message arrays.
    return await ctx.ot.sender.gilboaFoldSender(vectors, shape.bits, shape.shift);
  }
  const count = vectors.length / vectorLength;
  const result = new BigUint64Array(vectors.length);
  const result32 = new Uint32Array(result.buffer);
  const vectors32 = new Uint32Array(vectors.buffer, vectors.byteOffset, vectors.length * 2);
  for (const block of blocks(count, vectorLength, shape.bits)) {
    const correlations = new BigUint64Array(block.scalars * shape.bits * block.slice);
    fillCorrelations(
      vectors32,
      vectorLength,
      block,
      shape.bits,
      new Uint32Array(correlations.buffer, 0, correlations.length * 2),
    );
    const m0 = await ctx.ot.sender.correlatedOtRing(
      correlations,
      block.slice,
      gilboaWidths(block.scalars, shape.bits),
    );
    if (m0.length !== correlations.length) {
      throw new Error(`${what}: OT returned ${m0.length} values, expected ${correlations.length}`);
    }
    accumulate(u32Of(m0), block, vectorLength, shape, true, result32);
  }
  return result;
}

async function productReceiver(
  ctx: MpcContext,
  scalars: BigUint64Array,
  vectorLength: number,
  shape: ProductShape,
  what: string,
): Promise<BigUint64Array> {
  checkShape(scalars.length * vectorLength, vectorLength, what);
  if (vectorLength === 1 && ctx.ot.receiver instanceof IknpReceiver) {
    return await ctx.ot.receiver.gilboaFoldReceiver(scalars, shape.bits, shape.shift);
  }
  const result = new BigUint64Array(scalars.length * vectorLength);
  const result32 = new Uint32Array(result.buffer);
  // Choice bit (t, j) is bit j of b_t, packed LSB-first.
  const scalars32 = u32Of(scalars);
  for (const block of blocks(scalars.length, vectorLength, shape.bits)) {
    const out = await ctx.ot.receiver.correlatedOtRing(
      block.scalars * shape.bits,
      block.slice,
      gilboaWidths(block.scalars, shape.bits),
      packChoices(scalars32, block, shape.bits),
    );
    if (out.values.length !== block.scalars * shape.bits * block.slice) {
      throw new Error(`${what}: OT returned ${out.values.length} values`);
    }
    accumulate(u32Of(out.values), block, vectorLength, shape, false, result32);
  }
  return result;
}

/** The u32 view of a BigUint64Array (always 8-byte aligned, so no copy). */
function u32Of(values: BigUint64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/**
 * Sender half: this party holds `vectors` (N × L row-major) and gets its share of b_t · x_t
 * (N × L), where the peer holds the scalars b_t (it runs {@link gilboaReceiver}).
 */
export function gilboaSender(
  ctx: MpcContext,
  vectors: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  return productSender(ctx, vectors, vectorLength, PLAIN, "gilboaSender");
}

/**
 * Receiver half: this party holds the N scalars b_t and gets its share of b_t · x_t (N × L),
 * where the peer holds the vectors x_t (it runs {@link gilboaSender}).
 */
export function gilboaReceiver(
  ctx: MpcContext,
  scalars: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  return productReceiver(ctx, scalars, vectorLength, PLAIN, "gilboaReceiver");
}

/**
 * Sender half of the doubled product 2 · b_t · x_t (N × L shares) with 63 OTs per scalar
 * instead of 64: bit 63 of b_t only contributes 2^64 · x_t ≡ 0, and bit j's OT carries
 * x_t mod 2^(63−j). Square pairs use it for their cross term 2·r0·r1. The peer runs
 * {@link doubledProductReceiver}.
 */
export function doubledProductSender(
  ctx: MpcContext,
  vectors: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  return productSender(ctx, vectors, vectorLength, DOUBLED, "doubledProductSender");
}

/** Receiver half of {@link doubledProductSender}: this party holds the scalars b_t. */
export function doubledProductReceiver(
  ctx: MpcContext,
  scalars: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  return productReceiver(ctx, scalars, vectorLength, DOUBLED, "doubledProductReceiver");
}
