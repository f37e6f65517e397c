/**
 * Fixtures for the comparison tests: context pairs, sharing of plaintext values and opening of
 * shares directly from both parties' outputs (tests only).
 *
 * @module
 */

import type { MpcContext } from "../protocol/context.ts";
import { memoryContextPair } from "../testing/mpc_pair.ts";

/** A connected pair of contexts (real OT extension, in-memory channel) for the tests. */
export function comparePair(seed = 1): Promise<[MpcContext, MpcContext]> {
  return memoryContextPair(seed);
}

/** Deterministic test randomness (xorshift), so failures reproduce. */
export class TestRandom {
  #state: bigint;
  constructor(seed: number) {
    this.#state = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  }
  /** A uniformly distributed 64-bit value. */
  next(): bigint {
    let x = this.#state;
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    this.#state = x;
    return x;
  }
  /** A signed value uniformly in [−2^(bits−1), 2^(bits−1)). */
  signed(bits: number): bigint {
    return BigInt.asIntN(bits, this.next());
  }
}

/** Additive shares of signed plaintext values: share0 uniformly random, share1 = x − share0. */
export function shareValues(values: bigint[], rng: TestRandom): [BigUint64Array, BigUint64Array] {
  const s0 = new BigUint64Array(values.length);
  const s1 = new BigUint64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    s0[i] = rng.next();
    s1[i] = values[i] - s0[i];
  }
  return [s0, s1];
}

/** Opens XOR-shared packed bits: the plaintext bits 0..count−1. */
export function openBitShares(a: Uint32Array, b: Uint32Array, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(((a[i >>> 5] ^ b[i >>> 5]) >>> (i & 31)) & 1);
  return out;
}

/** Opens additive shares as signed values. */
export function openSigned(a: BigUint64Array, b: BigUint64Array): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < a.length; i++) out.push(BigInt.asIntN(64, a[i] + b[i]));
  return out;
}
