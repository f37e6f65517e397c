/**
 * Additive secret sharing over Z_2^64: input sharing, opening, and the fixed-point-aware
 * shared value type.
 *
 * [x] = (x0, x1) with x = x0 + x1 mod 2^64; a party's share of a vector is a `BigUint64Array`.
 *
 * - {@link shareInput}: the owner of x holds x − r and the other party holds r, where r is
 *   drawn by BOTH parties from the joint PRG (so no message is needed). The owner knows both
 *   shares, which is harmless since it knows x; the other party sees only r, independent of x.
 *   Both parties must draw the same number of values in the same order, so the non-owner
 *   draws `count` values too. Security: the joint PRG is AES-128-CTR under a coin-tossed seed.
 * - {@link open}: both parties exchange shares and learn x (one round). Reveals x, by design.
 * - {@link openTo}: only the named party learns x; the other sends its share and learns
 *   nothing.
 *
 * The {@link SharedFixed} wrapper carries the number of fractional bits ("scale") next to the
 * share; its operations refuse to combine values of different scales.
 *
 * @module
 */

import { checkCount } from "../core/validate.ts";
import { recvU64, sendTyped } from "../party/channel.ts";
import type { MpcContext, Role } from "./context.ts";
import { ringAdd, ringAddPublic, ringMulPublic, ringNeg, ringSub } from "./ring.ts";

/** A shared fixed-point vector: this party's share and its number of fractional bits. */
export interface SharedFixed {
  /** This party's additive share of each element (mod 2^64). */
  readonly share: BigUint64Array;
  /** Fractional bits of the encoded values. */
  readonly scale: number;
}

/** Raised when shared values of different fixed-point scales are combined. */
export class ScaleMismatchError extends Error {
  /** A scale error; `message` names the operation and the two scales. */
  constructor(message: string) {
    super(message);
    this.name = "ScaleMismatchError";
  }
}

function checkRole(party: number, what: string): asserts party is Role {
  if (party !== 0 && party !== 1) throw new RangeError(`${what}: party ${party} is not 0 or 1`);
}

/**
 * Shares `count` values owned by party `owner` without communication. The owner passes its
 * plaintext ring values (length `count`), the other party passes `null`.
 */
export function shareInput(
  ctx: MpcContext,
  owner: Role,
  values: BigUint64Array | null,
  count: number,
): BigUint64Array {
  checkRole(owner, "shareInput");
  checkCount(count, "shareInput count");
  const mask = ctx.jointPrg.ring(count);
  if (ctx.role !== owner) {
    if (values !== null) throw new Error("shareInput: only the owner passes values");
    return mask;
  }
  if (values === null || values.length !== count) {
    throw new RangeError(`shareInput: owner must pass exactly ${count} values`);
  }
  return ringSub(values, mask, mask);
}

/**
 * Opens shared values to both parties (one round: each sends its share, then adds the peer's).
 * Reveals the values to both parties.
 */
export async function open(ctx: MpcContext, share: BigUint64Array): Promise<BigUint64Array> {
  sendTyped(ctx.channel, share);
  await ctx.channel.flush();
  const peer = await recvU64(ctx.channel, share.length, "opened shares");
  return ringAdd(share, peer);
}

/**
 * Opens shared values to `party` only: the other party sends its share and gets `null`.
 * Reveals the values to `party` only.
 */
export async function openTo(
  ctx: MpcContext,
  party: Role,
  share: BigUint64Array,
): Promise<BigUint64Array | null> {
  checkRole(party, "openTo");
  if (ctx.role !== party) {
    sendTyped(ctx.channel, share);
    await ctx.channel.flush();
    return null;
  }
  const peer = await recvU64(ctx.channel, share.length, "shares opened to this party");
  return ringAdd(share, peer);
}

/** Shares of public constants: party 0 holds the value, party 1 holds zero. */
export function sharePublic(ctx: MpcContext, values: BigUint64Array): BigUint64Array {
  return ctx.role === 0 ? values.slice() : new BigUint64Array(values.length);
}

/** Checks that two shared fixed-point values have the same scale and length. */
export function checkSameScale(a: SharedFixed, b: SharedFixed, what: string): void {
  if (a.scale !== b.scale) {
    throw new ScaleMismatchError(
      `${what}: scales differ (${a.scale} vs ${b.scale} fractional bits)`,
    );
  }
  if (a.share.length !== b.share.length) {
    throw new RangeError(`${what}: lengths differ (${a.share.length} vs ${b.share.length})`);
  }
}

/** Wraps a share as a {@link SharedFixed} of the given scale. */
export function sharedFixed(share: BigUint64Array, scale: number): SharedFixed {
  if (!Number.isInteger(scale) || scale < 0 || scale > 62) {
    throw new RangeError(`scale ${scale} is not an integer in [0, 62]`);
  }
  return { share, scale };
}

/** [a + b]; both must have the same scale. */
export function fixedAdd(a: SharedFixed, b: SharedFixed): SharedFixed {
  checkSameScale(a, b, "fixedAdd");
  return { share: ringAdd(a.share, b.share), scale: a.scale };
}

/** [a − b]; both must have the same scale. */
export function fixedSub(a: SharedFixed, b: SharedFixed): SharedFixed {
  checkSameScale(a, b, "fixedSub");
  return { share: ringSub(a.share, b.share), scale: a.scale };
}

/** [−a]. */
export function fixedNeg(a: SharedFixed): SharedFixed {
  return { share: ringNeg(a.share), scale: a.scale };
}

/**
 * [a + c] for public ring values c already encoded at `scale` (only party 0 adds them, so the
 * sum of shares moves by exactly c).
 */
export function fixedAddPublic(
  ctx: MpcContext,
  a: SharedFixed,
  constant: bigint | BigUint64Array,
  scale: number,
): SharedFixed {
  if (scale !== a.scale) {
    throw new ScaleMismatchError(`fixedAddPublic: scales differ (${a.scale} vs ${scale})`);
  }
  return { share: ctx.role === 0 ? ringAddPublic(a.share, constant) : a.share.slice(), scale };
}

/**
 * [a · c] for a public integer factor c (scalar or per element): the scale is unchanged.
 * To multiply by a public fixed-point number, multiply by its encoding and truncate.
 */
export function fixedMulPublicInteger(
  a: SharedFixed,
  factor: bigint | BigUint64Array,
): SharedFixed {
  return { share: ringMulPublic(a.share, factor), scale: a.scale };
}

/** Opens a {@link SharedFixed} to both parties; returns the ring values (decode with scale). */
export function openFixed(ctx: MpcContext, a: SharedFixed): Promise<BigUint64Array> {
  return open(ctx, a.share);
}
