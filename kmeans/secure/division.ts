/**
 * Exact secure division of shared non-negative integers by shared (or public) positive
 * integers, by radix-2^m restoring long division — used for the centroid update
 * ĉ = floor((2·sum + count) / (2·count)), the rounding rule of the fixed-point reference
 * (kmeans/fixed_reference.ts), so the secure centroids equal the reference's bit for bit.
 *
 * Why long division rather than a Newton–Raphson / Goldschmidt reciprocal: a reciprocal needs
 * truncations after products, and the two-party local truncation (SecureML) is only correct
 * up to ±1 and fails with probability ~|x|/2^63 per element; the quotients here have ~29
 * significant bits, so the products would come close to 2^64 and the failure rate would be
 * far from negligible. Long division uses only exact ring operations and comparisons whose
 * inputs are bounded well below 2^63, so it is exact (no error bound to document) and the
 * secure labels cannot drift from the reference near ties.
 *
 * Algorithm, for N ∈ [0, D·2^Q) and D ≥ 1 (both known to lie in public ranges): keep a
 * remainder R (invariant R < D·2^(m(p+1)) at digit position p); for each digit, from the top,
 * compute all 2^m − 1 bits G_v = [R ≥ v·D·2^(mp)] in ONE batched comparison (R − v·D·2^(mp)
 * is linear in the shares), the digit is Σ_v G_v (after B2A), and R ← R − digit·D·2^(mp)
 (a bit × (D, 1) product when D is shared, a B2A when D is public). The quotient is
 * Σ_p digit_p·2^(mp). Per digit: one comparison batch and one bit-product batch.
 * If D = 0 (an empty cluster, handled by the caller's mux) every G_v is 1 and the output is
 * meaningless but the protocol still runs the same steps.
 *
 * Security (semi-honest): only comparison and bit-product sub-protocols are used; each
 * outputs fresh shares; nothing is opened here.
 *
 * @module
 */

import { signBits } from "../../protocol/comparison.ts";
import type { MpcContext } from "../../protocol/context.ts";
import { bitTimesShared, bitToArithmetic } from "../../protocol/conversion.ts";

/** Default digit size in bits: 15 comparisons per quotient and digit. */
export const DEFAULT_DIGIT_BITS = 4;

/** Shape and public bounds of a batch of divisions. */
export interface DivisionBounds {
  /** Quotient bits Q: every N < D·2^Q. */
  quotientBits: number;
  /** Public upper bound on every divisor D. */
  maxDivisor: number;
  /** Digit size m (default {@link DEFAULT_DIGIT_BITS}). */
  digitBits?: number;
}

/**
 * Bits of the signed comparison inputs: every R − v·D·2^(mp) lies in (−D·2^(m·digits),
 * D·2^(m·digits)), with m·digits ≥ Q the quotient bits rounded up to whole digits.
 */
export function divisionComparisonBits(bounds: DivisionBounds): number {
  const m = bounds.digitBits ?? DEFAULT_DIGIT_BITS;
  const digitsBits = Math.ceil(bounds.quotientBits / m) * m;
  return digitsBits + Math.ceil(Math.log2(bounds.maxDivisor + 1)) + 2;
}

/**
 * Shares of floor(N_i / D_{group(i)}) for shared numerators `numerators` (length G·L, group g
 * is [g·L, (g+1)·L)) and divisors `divisors` (length G): shared shares, or public values when
 * `publicDivisors` is set (then `divisors` holds the plain values on both sides).
 */
export async function secureDivide(
  ctx: MpcContext,
  numerators: BigUint64Array,
  divisors: BigUint64Array,
  groupLength: number,
  bounds: DivisionBounds,
  publicDivisors = false,
): Promise<BigUint64Array> {
  const m = bounds.digitBits ?? DEFAULT_DIGIT_BITS;
  const groups = divisors.length;
  const total = numerators.length;
  if (total !== groups * groupLength) {
    throw new RangeError(`secureDivide: ${total} numerators for ${groups} × ${groupLength}`);
  }
  const bits = divisionComparisonBits(bounds);
  if (bits > 64) throw new RangeError(`secureDivide: comparisons need ${bits} > 64 bits`);
  const digits = Math.ceil(bounds.quotientBits / m);
  const radixMinusOne = (1 << m) - 1;
  // Divisor expanded per numerator, so every step is elementwise.
  const divisor = new BigUint64Array(total);
  for (let g = 0; g < groups; g++) {
    divisor.fill(divisors[g], g * groupLength, (g + 1) * groupLength);
  }
  const remainder = numerators.slice();
  const quotient = new BigUint64Array(total);
  const candidates = new BigUint64Array(total * radixMinusOne);
  for (let p = digits - 1; p >= 0; p--) {
    const shift = 1n << BigInt(m * p);
    // candidates[v−1][i] = R_i − v·D_i·2^(mp), negative exactly when G_v = 0.
    for (let v = 1; v <= radixMinusOne; v++) {
      const factor = BigInt(v) * shift;
      const base = (v - 1) * total;
      if (publicDivisors) {
        const own = ctx.role === 0;
        for (let i = 0; i < total; i++) {
          candidates[base + i] = own ? remainder[i] - factor * divisor[i] : remainder[i];
        }
      } else {
        for (let i = 0; i < total; i++) candidates[base + i] = remainder[i] - factor * divisor[i];
      }
    }
    const negativeBits = await signBits(ctx, candidates, bits);
    // digit = Σ_v G_v = (2^m − 1) − Σ_v [candidate_v < 0], and digit·D likewise. With a shared
    // D one bit × (D, 1) product per candidate gives both; with a public D a B2A suffices.
    const count = total * radixMinusOne;
    const digit = new BigUint64Array(total);
    const taken = new BigUint64Array(total);
    const offset = ctx.role === 0 ? BigInt(radixMinusOne) : 0n;
    if (publicDivisors) {
      const negative = await bitToArithmetic(ctx, negativeBits, count);
      for (let i = 0; i < total; i++) {
        let s = offset;
        for (let v = 0; v < radixMinusOne; v++) s -= negative[v * total + i];
        digit[i] = s;
        taken[i] = s * divisor[i];
      }
    } else {
      const pairs = new BigUint64Array(count * 2);
      for (let v = 0; v < radixMinusOne; v++) {
        for (let i = 0; i < total; i++) {
          pairs[2 * (v * total + i)] = divisor[i];
          pairs[2 * (v * total + i) + 1] = ctx.role === 0 ? 1n : 0n;
        }
      }
      const products = await bitTimesShared(ctx, negativeBits, pairs, 2, count);
      for (let i = 0; i < total; i++) {
        let s = offset;
        let t = BigInt(radixMinusOne) * divisor[i];
        for (let v = 0; v < radixMinusOne; v++) {
          t -= products[2 * (v * total + i)];
          s -= products[2 * (v * total + i) + 1];
        }
        digit[i] = s;
        taken[i] = t;
      }
    }
    for (let i = 0; i < total; i++) {
      remainder[i] -= taken[i] * shift;
      quotient[i] += digit[i] * shift;
    }
  }
  return quotient;
}
