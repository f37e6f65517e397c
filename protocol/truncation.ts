/**
 * Local (communication-free) truncation and division of shared values by public integers:
 * the two-party truncation of SecureML (Mohassel & Zhang, S&P 2017, Theorem 1), generalised
 * from 2^f to any public divisor c ≥ 1.
 *
 * Party 0 replaces its share x0 by floor(x0 / c) (x0 read as unsigned); party 1 replaces x1
 * by −floor((−x1 mod 2^64) / c). No message is exchanged, so nothing is revealed.
 *
 * Correctness. Let x be the signed value, |x| < 2^lx, and x0 uniform (shares are fresh). Write
 * x0 + x1 = x + k·2^64 with k ∈ {0, 1, 2}. In the good case k = 1, i.e. x0 − y1 = x with
 * y1 = 2^64 − x1, and the result floor(x0/c) − floor(y1/c) lies in
 * {floor(x/c), floor(x/c) + 1}: within ONE unit (one ulp at the result scale) of x/c.
 * The bad case k ≠ 1 happens only when x0 falls into a window of |x| + 1 values next to 0 or
 * 2^64, probability ≤ (|x| + 1)/2^64 < 2^(lx + 1 − 64); the result is then off by about
 * 2^64/c (a huge error). Callers must therefore keep lx well below 64. Example with f = 16:
 * operands |v| < 2^7 (encoded below 2^23) give products below 2^46 at scale 2^32, so the
 * truncation back to scale 2^16 fails with probability ≤ 2^−17 per element; operands below
 * 2^15 (products below 2^62) would fail half the time.
 *
 * An exact truncation (no ±1, no failure) needs a secure comparison (SiRnn, Rathee et al.
 * 2021; Cheetah, Huang et al. 2022) and is not provided here.
 *
 * Security: purely local; outputs are shares of the (approximate) quotient.
 *
 * @module
 */

import type { MpcContext } from "./context.ts";
import type { SharedFixed } from "./sharing.ts";
import { ringNeg, ringShiftRightLogical } from "./ring.ts";

/**
 * Shares of x / 2^bits (±1, see the module doc) from shares of x; `out` may alias `share`.
 */
export function truncateShares(
  ctx: MpcContext,
  share: BigUint64Array,
  bits: number,
  out?: BigUint64Array,
): BigUint64Array {
  if (!Number.isInteger(bits) || bits < 0 || bits > 63) {
    throw new RangeError(`truncateShares: bits ${bits} not an integer in [0, 63]`);
  }
  if (ctx.role === 0) return ringShiftRightLogical(share, bits, out);
  const o = ringNeg(share, out);
  ringShiftRightLogical(o, bits, o);
  return ringNeg(o, o);
}

function checkDivisor(c: bigint, index: number): void {
  if (c < 1n || c >= 1n << 64n) {
    throw new RangeError(`divideByPublic: divisor #${index} (${c}) must be in [1, 2^64)`);
  }
}

/**
 * Shares of x / c (±1, see the module doc) for a public integer c ≥ 1: one divisor for all
 * elements, or one per element (e.g. revealed cluster sizes).
 */
export function divideByPublic(
  ctx: MpcContext,
  share: BigUint64Array,
  divisor: bigint | number | BigUint64Array,
): BigUint64Array {
  const n = share.length;
  const out = new BigUint64Array(n);
  if (typeof divisor !== "object") {
    const c = BigInt(divisor);
    checkDivisor(c, 0);
    if ((c & (c - 1n)) === 0n) {
      return truncateShares(ctx, share, c.toString(2).length - 1, out);
    }
    for (let i = 0; i < n; i++) {
      out[i] = ctx.role === 0 ? share[i] / c : -(BigInt.asUintN(64, -share[i]) / c);
    }
    return out;
  }
  if (divisor.length !== n) {
    throw new RangeError(`divideByPublic: ${divisor.length} divisors for ${n} values`);
  }
  for (let i = 0; i < n; i++) {
    const c = divisor[i];
    checkDivisor(c, i);
    out[i] = ctx.role === 0 ? share[i] / c : -(BigInt.asUintN(64, -share[i]) / c);
  }
  return out;
}

/** Truncates a fixed-point value by `bits`: the scale drops by `bits`. */
export function fixedTruncate(ctx: MpcContext, x: SharedFixed, bits: number): SharedFixed {
  if (bits > x.scale) {
    throw new RangeError(`fixedTruncate: cannot drop ${bits} bits from scale ${x.scale}`);
  }
  return { share: truncateShares(ctx, x.share, bits), scale: x.scale - bits };
}

/** Divides a fixed-point value by public integers (scale unchanged; ±1 ulp). */
export function fixedDivideByPublic(
  ctx: MpcContext,
  x: SharedFixed,
  divisor: bigint | number | BigUint64Array,
): SharedFixed {
  return { share: divideByPublic(ctx, x.share, divisor), scale: x.scale };
}
