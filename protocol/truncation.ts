/**
 * Truncation and division of Z_2^64-shared values by public integers, in two flavours.
 *
 * 1. Local (communication-free): the two-party truncation of SecureML (Mohassel & Zhang,
 *    S&P 2017, Theorem 1), generalised from 2^f to any public divisor c ≥ 1
 *    ({@link truncateShares}, {@link divideByPublic}, {@link fixedTruncate}).
 * 2. Exact floor by 2^s from one small comparison and one correlated-OT batch
 *    ({@link truncateExactUnsigned}, {@link truncateExact}, {@link fixedTruncateExact}), in the
 *    style of the exact truncations of SiRnn (Rathee et al., S&P 2021) and Cheetah (Huang et
 *    al., USENIX Security 2022), built on the CrypTFlow2 millionaires' of comparison.ts.
 *
 * Local variant. Party 0 replaces its share x0 by floor(x0 / c) (x0 read as unsigned); party 1
 * replaces x1 by −floor((−x1 mod 2^64) / c). No message is exchanged, so nothing is revealed.
 * Let x be the signed value, |x| < 2^lx, and x0 uniform (shares are fresh). Write
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
 * Exact variant, for a shared v ∈ [0, 2^63). With the shares as unsigned integers
 * v_p = 2^s·h_p + l_p (l_p < 2^s), v_0 + v_1 = v + 2^64·wrap over the integers, so
 *   floor(v / 2^s) = h_0 + h_1 + c − 2^(64−s)·wrap,   c = [l_0 + l_1 ≥ 2^s].
 * c is 1 − the sign of the locally shared (l_0 − 2^s) + l_1, an (s + 2)-bit value: one
 * (s + 2)-bit comparison. Since v < 2^63, wrap = m_0 OR m_1 = m_0 + m_1 − m_0·m_1 for the top
 * bits m_p of the shares (if the shares wrap one of them is ≥ 2^63; if one is ≥ 2^63 without a
 * wrap then v ≥ 2^63). The B2A of the comparison bit and the product m_0·m_1·2^(64−s) share ONE
 * correlated-OT batch with party 0 as owner (conversion.ts bitTimesOwnerValues).
 * - Full ring (x < 2^64, `bound` 64): the top bit t = msb(x) is first XOR-shared by a 64-bit
 *   sign test; flipping the top bit of each share by its XOR share of t gives shares of
 *   x − 2^63·t < 2^63 for free (2^63·(t_0 + t_1) ≡ 2^63·(t_0 XOR t_1) mod 2^64), and
 *   2^(63−s)·t joins the same OT batch: floor(x/2^s) = floor((x − 2^63 t)/2^s) + 2^(63−s)·t.
 * - Signed (|x| < 2^bound ≤ 2^62): party 0 adds the public bias 2^B (B = max(bound, s)), so
 *   v = x + 2^B ∈ [0, 2^63), and subtracts 2^(B−s) after the floor: exactly floor(x / 2^s),
 *   rounding towards −∞ for negative x too, with no failure probability.
 *
 * Cost per element (IKNP: 16 bytes per OT, 8 bytes per 64-bit COT correction; default digit
 * size 5), both parties' traffic together, s = 16: the 18-bit comparison (17 leaf OTs + 6
 * triple OTs, tables, AND openings) plus 2 COTs ≈ 450 bytes, 4 rounds per batch of 2^14.
 * Measured (in-memory channel, ChannelStats, n = 4096 and 16384): signed, s = 16: 450.0 bytes
 * per element, 4 rounds (for any bound); s = 32: 828 bytes, 4–5 rounds; unsigned full ring
 * (bound 64), s = 16: 1979 bytes, 8–9 rounds (the extra 64-bit comparison). The local variant
 * costs 0 bytes and 0 rounds (checked by tests/arith_truncation_exact.test.ts).
 *
 * When to use which: the local variant after fixed-point products whose magnitude is far below
 * 2^63 (the error is ±1 ulp and the failure probability 2^(lx+1−64) is acceptable, e.g. Lloyd
 * updates whose ±1 ulp is below the data resolution). The exact variant when a result is
 * compared or reproduced bit for bit (k-means++ D² weights against the fixed-point reference),
 * when operands are large (lx close to 63, where the local variant fails often), or when the
 * result must not depend on the random shares (the local variant's +1 does).
 *
 * Revealed: nothing by either variant; the exact one's outputs are fresh shares (the comparison
 * outputs XOR shares, and the COT outputs are one-time padded). Security: semi-honest, static;
 * the exact variant inherits the OT extension's assumptions (AES, correlation-robust hash).
 *
 * @module
 */

import { bitWords, concatBits, packBits } from "./binary.ts";
import { signBits } from "./comparison.ts";
import type { MpcContext } from "./context.ts";
import { bitTimesOwnerValues } from "./conversion.ts";
import type { SharedFixed } from "./sharing.ts";
import { ringNeg, ringShiftRightLogical } from "./ring.ts";

/** Largest shift s the exact truncations accept (the carry test needs s + 2 ≤ 64 bits). */
export const MAX_EXACT_SHIFT = 62;

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

function checkExactShift(s: number, what: string): void {
  if (!Number.isInteger(s) || s < 0 || s > MAX_EXACT_SHIFT) {
    throw new RangeError(`${what}: shift ${s} not an integer in [0, ${MAX_EXACT_SHIFT}]`);
  }
}

/**
 * Core of the exact variant (module doc): shares of floor(v / 2^s) + 2^(63−s)·t for shared
 * v ∈ [0, 2^63), 1 ≤ s ≤ 62, and optional XOR-shared bits t (packed; null = all zero).
 */
async function floorBelowHalfRing(
  ctx: MpcContext,
  values: BigUint64Array,
  s: number,
  topBit: Uint32Array | null,
): Promise<BigUint64Array> {
  const n = values.length;
  const shift = BigInt(s);
  const low = (1n << shift) - 1n;
  const first = ctx.role === 0;
  const carryInput = new BigUint64Array(n);
  const tops = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    carryInput[i] = first ? (v & low) - (1n << shift) : v & low;
    tops[i] = Number(v >> 63n);
  }
  const noCarry = await signBits(ctx, carryInput, s + 2); // [l_0 + l_1 < 2^s] = 1 − c
  const wrapScale = 1n << BigInt(64 - s);
  const parts = topBit === null ? 2 : 3;
  // P0 is the owner and holds zeros for m_0 in the bit vector: the product is m_1 · (m_0·scale).
  const topBits = first ? new Uint32Array(bitWords(n)) : packBits(tops);
  let ownerValues: BigUint64Array | null = null;
  if (first) {
    ownerValues = new BigUint64Array(parts * n);
    ownerValues.fill(1n, 0, n);
    for (let i = 0; i < n; i++) ownerValues[n + i] = tops[i] === 1 ? wrapScale : 0n;
    if (topBit !== null) ownerValues.fill(1n << BigInt(63 - s), 2 * n, 3 * n);
  }
  const bitParts = topBit === null ? [noCarry, topBits] : [noCarry, topBits, topBit];
  const bits = concatBits(bitParts, bitParts.map(() => n));
  const products = await bitTimesOwnerValues(ctx, bits, 0, ownerValues, 1, parts * n);
  const out = new BigUint64Array(n);
  for (let i = 0; i < n; i++) {
    const mine = tops[i] === 1 ? wrapScale : 0n;
    out[i] = (values[i] >> shift) + (first ? 1n : 0n) - products[i] - mine + products[n + i];
    if (topBit !== null) out[i] += products[2 * n + i];
  }
  return out;
}

/**
 * Exact shares of floor(x_i / 2^s) for shared x_i read as unsigned ring values, x_i < 2^bound
 * (the caller's public promise; `bound` 64 = the full ring). bound ≤ 63 costs an (s + 2)-bit
 * comparison and 2 COTs per element; bound 64 adds a 64-bit comparison and a COT (module doc).
 */
export async function truncateExactUnsigned(
  ctx: MpcContext,
  x: BigUint64Array,
  s: number,
  bound = 64,
): Promise<BigUint64Array> {
  checkExactShift(s, "truncateExactUnsigned");
  if (!Number.isInteger(bound) || bound < 1 || bound > 64) {
    throw new RangeError(`truncateExactUnsigned: bound ${bound} not an integer in [1, 64]`);
  }
  if (s === 0) return x.slice();
  if (s >= bound) return new BigUint64Array(x.length); // x < 2^bound ≤ 2^s: the floor is 0
  if (bound <= 63) return await floorBelowHalfRing(ctx, x, s, null);
  const top = await signBits(ctx, x, 64); // XOR shares of msb(x)
  const lowered = new BigUint64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    lowered[i] = ((top[i >>> 5] >>> (i & 31)) & 1) === 1 ? x[i] ^ (1n << 63n) : x[i];
  }
  return await floorBelowHalfRing(ctx, lowered, s, top);
}

/**
 * Exact shares of floor(x_i / 2^s) (rounding towards −∞) for shared signed x_i with
 * |x_i| < 2^bound ≤ 2^62 (the caller's public promise): no ±1 error, no failure probability.
 * Costs an (s + 2)-bit comparison and 2 COTs per element (module doc).
 */
export async function truncateExact(
  ctx: MpcContext,
  x: BigUint64Array,
  s: number,
  bound = 62,
): Promise<BigUint64Array> {
  checkExactShift(s, "truncateExact");
  if (!Number.isInteger(bound) || bound < 1 || bound > 62) {
    throw new RangeError(`truncateExact: bound ${bound} not an integer in [1, 62]`);
  }
  if (s === 0) return x.slice();
  // Bias B ≥ s so that 2^(B−s) is an integer; v = x + 2^B stays below 2^(B+1) ≤ 2^63.
  const bias = BigInt(Math.max(bound, s));
  const biased = x.slice();
  if (ctx.role === 0) { for (let i = 0; i < biased.length; i++) biased[i] += 1n << bias; }
  const out = await floorBelowHalfRing(ctx, biased, s, null);
  if (ctx.role === 0) {
    const unbias = 1n << (bias - BigInt(s));
    for (let i = 0; i < out.length; i++) out[i] -= unbias;
  }
  return out;
}

/**
 * Exact fixed-point truncation by `bits` (scale drops by `bits`) of a signed value with
 * |x| < 2^bound ≤ 2^62 at its current scale; see {@link truncateExact}.
 */
export async function fixedTruncateExact(
  ctx: MpcContext,
  x: SharedFixed,
  bits: number,
  bound = 62,
): Promise<SharedFixed> {
  if (bits > x.scale) {
    throw new RangeError(`fixedTruncateExact: cannot drop ${bits} bits from scale ${x.scale}`);
  }
  return { share: await truncateExact(ctx, x.share, bits, bound), scale: x.scale - bits };
}
