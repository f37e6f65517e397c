/**
 * Online multiplication of shared values with preprocessed correlations (Beaver, CRYPTO 1991;
 * two-party form as in SecureML, Mohassel & Zhang, S&P 2017).
 *
 * - {@link beaverMultiply}: with a triple ([a], [b], [c = ab]) open d = x − a and e = y − b,
 *   then [xy] = [c] + d[b] + e[a] + de (de added by party 0 only). One round for the batch.
 * - {@link squareShared}: with a square pair ([r], [r²]) open e = x − r, then
 *   [x²] = [r²] + 2e[r] + e² (e² by party 0 only). One round, half the opened traffic.
 * - {@link dotProduct}: elementwise Beaver products summed per group.
 * - Fixed-point forms on {@link SharedFixed} multiply and then truncate back to the operands'
 *   scale (see truncation.ts for the ±1 error and failure probability).
 *
 * Security (semi-honest): the opened d, e are x and y masked by the uniform, never reused
 * a and b (one-time pads over Z_2^64), so they reveal nothing; each triple / pair must be used
 * once, which the preprocessing store guarantees by handing each out only once.
 *
 * @module
 */

import type { MpcContext } from "./context.ts";
import { checkSameScale, open, type SharedFixed } from "./sharing.ts";
import type { BeaverTriples, SquarePairs } from "./triples.ts";
import { ringSumGroups } from "./ring.ts";
import { truncateShares } from "./truncation.ts";

function checkSupply(have: number, need: number, what: string): void {
  if (have < need) throw new RangeError(`${what}: ${need} needed, ${have} supplied`);
}

/** Shares of x · y elementwise (one round), consuming `triples` (at least x.length). */
export async function beaverMultiply(
  ctx: MpcContext,
  x: BigUint64Array,
  y: BigUint64Array,
  triples: BeaverTriples,
): Promise<BigUint64Array> {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`beaverMultiply: lengths differ (${n} vs ${y.length})`);
  checkSupply(triples.a.length, n, "beaverMultiply triples");
  const { a, b, c } = triples;
  const masked = new BigUint64Array(2 * n);
  for (let i = 0; i < n; i++) {
    masked[i] = x[i] - a[i];
    masked[n + i] = y[i] - b[i];
  }
  // Reveals d = x − a and e = y − b only: both one-time padded by the triple.
  const opened = await open(ctx, masked);
  const z = new BigUint64Array(n);
  const first = ctx.role === 0;
  for (let i = 0; i < n; i++) {
    const d = opened[i];
    const e = opened[n + i];
    z[i] = c[i] + d * b[i] + e * a[i] + (first ? d * e : 0n);
  }
  return z;
}

/** Shares of x² elementwise (one round), consuming square `pairs` (at least x.length). */
export async function squareShared(
  ctx: MpcContext,
  x: BigUint64Array,
  pairs: SquarePairs,
): Promise<BigUint64Array> {
  const n = x.length;
  checkSupply(pairs.r.length, n, "squareShared pairs");
  const { r, r2 } = pairs;
  const masked = new BigUint64Array(n);
  for (let i = 0; i < n; i++) masked[i] = x[i] - r[i];
  // Reveals e = x − r only: one-time padded by r.
  const opened = await open(ctx, masked);
  const z = new BigUint64Array(n);
  const first = ctx.role === 0;
  for (let i = 0; i < n; i++) {
    const e = opened[i];
    z[i] = r2[i] + 2n * e * r[i] + (first ? e * e : 0n);
  }
  return z;
}

/**
 * Shares of the dot products of consecutive groups of `length` elements of x and y
 * (x.length / length results), one round, consuming x.length triples.
 */
export async function dotProduct(
  ctx: MpcContext,
  x: BigUint64Array,
  y: BigUint64Array,
  length: number,
  triples: BeaverTriples,
): Promise<BigUint64Array> {
  if (!Number.isInteger(length) || length < 1 || x.length % length !== 0) {
    throw new RangeError(`dotProduct: ${x.length} values are not groups of ${length}`);
  }
  const products = await beaverMultiply(ctx, x, y, triples);
  return ringSumGroups(products, length);
}

/**
 * Fixed-point product: both operands at scale f, result at scale f (Beaver product at scale
 * 2f, then SecureML local truncation by f: error ±1 ulp, see truncation.ts).
 */
export async function fixedMultiply(
  ctx: MpcContext,
  x: SharedFixed,
  y: SharedFixed,
  triples: BeaverTriples,
): Promise<SharedFixed> {
  checkSameScale(x, y, "fixedMultiply");
  const product = await beaverMultiply(ctx, x.share, y.share, triples);
  return { share: truncateShares(ctx, product, x.scale, product), scale: x.scale };
}

/** Fixed-point square at scale f (square pair, then truncation by f). */
export async function fixedSquare(
  ctx: MpcContext,
  x: SharedFixed,
  pairs: SquarePairs,
): Promise<SharedFixed> {
  const square = await squareShared(ctx, x.share, pairs);
  return { share: truncateShares(ctx, square, x.scale, square), scale: x.scale };
}

/** Fixed-point dot products of groups of `length` (one truncation per result). */
export async function fixedDotProduct(
  ctx: MpcContext,
  x: SharedFixed,
  y: SharedFixed,
  length: number,
  triples: BeaverTriples,
): Promise<SharedFixed> {
  checkSameScale(x, y, "fixedDotProduct");
  const sums = await dotProduct(ctx, x.share, y.share, length, triples);
  return { share: truncateShares(ctx, sums, x.scale, sums), scale: x.scale };
}
