/**
 * Ring-correlated OT (Gilboa products, vector OLE) on top of hashed IKNP pads: the shapes both
 * sides derive from public arguments, and the Gilboa fold written once over any endpoint's
 * `correlatedOtRing`. The 32-bit arithmetic itself is in ot/ring_arith.ts.
 *
 * For OT i with vector x_i ∈ (Z_2^w)^L the sender holds pads h0_i = H(i, q_i), h1_i = H(i, q_i ⊕ s)
 * expanded to L words, keeps m0_i = h0_i mod 2^w and sends τ_i = h0_i + x_i − h1_i mod 2^w; the
 * receiver holding h_{c_i} outputs h_{c_i} + c_i·τ_i = m0_i + c_i·x_i (Gilboa, CRYPTO 1999;
 * IKNP 2003 correlated-OT variant). τ_i reveals nothing: h1_i is a random pad unknown to a
 * receiver with c_i = 0, and for c_i = 1 it masks m0_i = h0_i. Only w bits per value travel,
 * packed back to back (Gilboa for l = 64 sends 64 + 63 + ... + 1 = 2080 bits per product).
 *
 * Gilboa fold (the product 2^shift · b_t · x_t mod 2^64, see ot/types.ts): bits = 64 − shift
 * OTs per scalar, OT (t, j) with choice bit j of b_t, correlation x_t and width bits − j.
 * Bit j contributes 2^(j+shift)·x_t, which depends only on x_t mod 2^(bits−j); higher bits of
 * b_t contribute multiples of 2^64. The sender's share is −Σ_j 2^(j+shift)·m0, the receiver's
 * Σ_j 2^(j+shift)·(m0 + b_{t,j}·x_t). The generic form below cuts the work into calls of at
 * most {@link MAX_OT_VALUES_PER_CALL} values (long vectors into slices), the same cut on both
 * sides from the public N and L, so memory stays bounded.
 *
 * @module
 */

import type { OtExtensionReceiver, OtExtensionSender, OtWidths } from "./types.ts";
import {
  type FoldBlock,
  foldCorrelations,
  foldValues,
  halves,
  packScalarBits,
} from "./ring_arith.ts";

/** Checks widths are integers in [1, 64] and a per-OT array has `count` entries. */
export function validateWidths(widths: OtWidths, count: number): void {
  if (typeof widths === "number") {
    if (!(Number.isInteger(widths) && widths >= 1 && widths <= 64)) {
      throw new RangeError(`OT width ${widths} is not an integer in [1, 64]`);
    }
    return;
  }
  if (widths.length !== count) {
    throw new RangeError(`OT widths array has ${widths.length} entries, expected ${count}`);
  }
  for (let i = 0; i < count; i++) {
    if (widths[i] < 1 || widths[i] > 64) {
      throw new RangeError(`OT width ${widths[i]} not in [1, 64]`);
    }
  }
}

/** Checks a vector or message length (named `what`) is a positive integer. */
export function checkLength(length: number, what: string): void {
  if (!(Number.isInteger(length) && length >= 1)) {
    throw new RangeError(`${what} ${length} must be a positive integer`);
  }
}

/** Checks `length` (named `what`) is valid and divides `values`; returns values / length. */
export function vectorCount(values: number, length: number, what: string): number {
  checkLength(length, what);
  if (values % length !== 0) {
    throw new RangeError(`${values} values are not a multiple of ${what} ${length}`);
  }
  return values / length;
}

/** Total correction bits for OTs [first, first + count) with vector length L. */
export function correctionBits(
  widths: OtWidths,
  first: number,
  count: number,
  vectorLength: number,
): number {
  if (typeof widths === "number") return widths * count * vectorLength;
  let bits = 0;
  for (let i = first; i < first + count; i++) bits += widths[i];
  return bits * vectorLength;
}

/** OTs per scalar of a Gilboa fold with `shift` (an integer in [0, 63]): 64 − shift. */
export function foldBits(shift: number): number {
  if (!(Number.isInteger(shift) && shift >= 0 && shift < 64)) {
    throw new RangeError(`Gilboa fold: shift ${shift} is not an integer in [0, 63]`);
  }
  return 64 - shift;
}

/** Correction bits of OTs [offset, offset + n) of a scalar fold: widths bits − (g mod bits). */
export function foldCorrectionBits(offset: number, n: number, bits: number): number {
  let total = 0;
  let j = offset % bits;
  for (let k = 0; k < n; k++) {
    total += bits - j;
    j = j + 1 === bits ? 0 : j + 1;
  }
  return total;
}

/**
 * Upper bound on count × vectorLength per ring-OT call of the generic fold (8 MiB of
 * messages). Each call fills and drains the OT pipeline once (one party idles meanwhile), so
 * calls are kept large: a batch of 8192 triples is exactly one call.
 */
export const MAX_OT_VALUES_PER_CALL = 1 << 20;

const widthPatterns = new Map<number, Uint8Array>();

/** Widths bits, bits − 1, ..., 1 repeated for `scalars` scalars (cached: shapes repeat). */
function foldWidths(scalars: number, bits: number): Uint8Array {
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

/** The cut of the (N, L) work into ring-OT calls, the same on both sides. */
function foldBlocks(count: number, vectorLength: number, bits: number): FoldBlock[] {
  const out: FoldBlock[] = [];
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

function checkReturned(got: number, want: number): void {
  if (got !== want) throw new Error(`Gilboa fold: OT returned ${got} values, expected ${want}`);
}

/**
 * {@link OtExtensionSender.gilboaFold} from the endpoint's ring-correlated OT: one
 * `correlatedOtRing` call per block, its m0 folded into this party's shares.
 */
export async function gilboaFoldSender(
  sender: Pick<OtExtensionSender, "correlatedOtRing">,
  vectors: BigUint64Array,
  vectorLength: number,
  shift: number,
): Promise<BigUint64Array> {
  const bits = foldBits(shift);
  const count = vectorCount(vectors.length, vectorLength, "vectorLength");
  const result = new BigUint64Array(vectors.length);
  const result32 = halves(result);
  const vectors32 = halves(vectors);
  for (const block of foldBlocks(count, vectorLength, bits)) {
    const correlations = new BigUint64Array(block.scalars * bits * block.slice);
    foldCorrelations(vectors32, vectorLength, block, bits, halves(correlations));
    const m0 = await sender.correlatedOtRing(
      correlations,
      block.slice,
      foldWidths(block.scalars, bits),
    );
    checkReturned(m0.length, correlations.length);
    foldValues(halves(m0), block, vectorLength, bits, true, result32);
  }
  return result;
}

/**
 * {@link OtExtensionReceiver.gilboaFold} from the endpoint's ring-correlated OT, choosing with
 * bits 0..63−shift of each scalar.
 */
export async function gilboaFoldReceiver(
  receiver: Pick<OtExtensionReceiver, "correlatedOtRing">,
  scalars: BigUint64Array,
  vectorLength: number,
  shift: number,
): Promise<BigUint64Array> {
  const bits = foldBits(shift);
  checkLength(vectorLength, "vectorLength");
  const result = new BigUint64Array(scalars.length * vectorLength);
  const result32 = halves(result);
  const scalars32 = halves(scalars);
  for (const block of foldBlocks(scalars.length, vectorLength, bits)) {
    const { t0, scalars: n } = block;
    const out = await receiver.correlatedOtRing(
      n * bits,
      block.slice,
      foldWidths(n, bits),
      packScalarBits(scalars32.subarray(2 * t0, 2 * (t0 + n)), n, bits),
    );
    checkReturned(out.values.length, n * bits * block.slice);
    foldValues(halves(out.values), block, vectorLength, bits, false, result32);
  }
  return result;
}
