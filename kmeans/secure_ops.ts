/**
 * The mixed arithmetic/binary building blocks secure k-means needs, on top of protocol/:
 * Beaver products and squares from a {@link PreprocessingStore}, sign bits (CrypTFlow2
 * millionaires, protocol/comparison.ts), AND gates with pooled bit triples, and products of a
 * shared bit with a shared or owner-held vector from one correlated OT per bit and direction.
 *
 * Bit × vector (the CrypTFlow2 multiplexer in correlated-OT form; B2A is the case y = 1):
 * for b = b0 ⊕ b1 and y = y0 + y1, b·y = Σ_p [b_p·y_p + b_{1−p}·(1 − 2b_p)·y_p]. For each p with
 * a non-zero y_p, party p is the ring-COT sender with correlation (1 − 2b_p)·y_p and keeps
 * b_p·y_p − m0; the peer chooses with b_{1−p} and keeps m0 + b_{1−p}·(1 − 2b_p)·y_p. One COT per
 * bit (vector messages), one OT-extension round trip per direction. Security (semi-honest): the
 * receiver's output is masked by the uniform m0, and the sender learns nothing about the
 * choice bit (OT-extension security); outputs are fresh shares; nothing is revealed.
 *
 * Ordering rule (protocol/context.ts): whenever both directions run, party 0 is sender first.
 *
 * @module
 */

import { beaverMultiply, squareShared } from "../protocol/beaver.ts";
import { andBits, bitWords, type FanoutTriples, sliceTriples } from "../protocol/binary.ts";
import { generateFanoutTriples } from "../protocol/bit_triples.ts";
import { signBits } from "../protocol/comparison.ts";
import type { MpcContext, Role } from "../protocol/context.ts";
import type { PreprocessingStore } from "../protocol/preprocessing.ts";

/** Packed choice bytes (LSB-first) of the first `count` bits of a packed word vector. */
function choiceBytes(bits: Uint32Array, count: number): Uint8Array {
  return new Uint8Array(bits.buffer, bits.byteOffset, Math.ceil(count / 8)).slice();
}

/** Bit i of a packed vector as 0n / 1n. */
function bitAt(bits: Uint32Array, i: number): number {
  return (bits[i >>> 5] >>> (i & 31)) & 1;
}

/** Secure primitives bound to one session's preprocessing; see the module doc. */
export class SecureOps {
  readonly #store: PreprocessingStore;
  #andPool: FanoutTriples | null = null;
  #andOffset = 0;

  /** Primitives drawing Beaver triples and square pairs from `store`. */
  constructor(store: PreprocessingStore) {
    this.#store = store;
  }

  /** Pre-generates `words` × 32 AND triples (offline phase). */
  async prepareAndTriples(ctx: MpcContext, words: number): Promise<void> {
    if (words <= 0) return;
    this.#andPool = await generateFanoutTriples(ctx, words, 1);
    this.#andOffset = 0;
  }

  /** Shares of x·y elementwise (one round). */
  async multiply(ctx: MpcContext, x: BigUint64Array, y: BigUint64Array): Promise<BigUint64Array> {
    return beaverMultiply(ctx, x, y, await this.#store.takeTriples(x.length));
  }

  /** Shares of x² elementwise (one round). */
  async square(ctx: MpcContext, x: BigUint64Array): Promise<BigUint64Array> {
    return squareShared(ctx, x, await this.#store.takeSquarePairs(x.length));
  }

  /** XOR shares of [x_i < 0], for |x_i| < 2^(bits−1) (caller's promise). */
  signBits(ctx: MpcContext, x: BigUint64Array, bits: number): Promise<Uint32Array> {
    return signBits(ctx, x, bits);
  }

  /** XOR shares of x AND y (one round), from pooled or freshly generated triples. */
  async and(ctx: MpcContext, x: Uint32Array, y: Uint32Array): Promise<Uint32Array> {
    const words = x.length;
    let triples: FanoutTriples;
    if (this.#andPool !== null && this.#andPool.words - this.#andOffset >= words) {
      triples = sliceTriples(this.#andPool, this.#andOffset, words);
      this.#andOffset += words;
    } else {
      triples = await generateFanoutTriples(ctx, words, 1);
    }
    return andBits(ctx, x, y, triples);
  }

  /**
   * Shares of b_i · y_i where b = `bits` (XOR-shared, `count` bits) and y_i = `vectors`
   * [i·L, (i+1)·L) is additively shared. Two correlated-OT batches.
   */
  async bitTimesShared(
    ctx: MpcContext,
    bits: Uint32Array,
    count: number,
    vectors: BigUint64Array,
    vectorLength: number,
  ): Promise<BigUint64Array> {
    const first = await this.#bitTimesOwnerShare(ctx, bits, count, 0, vectors, vectorLength);
    const second = await this.#bitTimesOwnerShare(ctx, bits, count, 1, vectors, vectorLength);
    for (let i = 0; i < first.length; i++) first[i] += second[i];
    return first;
  }

  /**
   * Shares of b_i · y_i where y (count × L values) is known to `owner` in the clear (the other
   * party passes `null`). One correlated-OT batch, owner as sender.
   */
  bitTimesOwnerValues(
    ctx: MpcContext,
    bits: Uint32Array,
    count: number,
    owner: Role,
    values: BigUint64Array | null,
    vectorLength: number,
  ): Promise<BigUint64Array> {
    if ((ctx.role === owner) !== (values !== null)) {
      throw new Error("bitTimesOwnerValues: exactly the owner passes its values");
    }
    return this.#bitTimesOwnerShare(ctx, bits, count, owner, values, vectorLength);
  }

  /** Arithmetic shares (0/1 in Z_2^64) of XOR-shared bits (B2A): one COT batch. */
  toArithmetic(ctx: MpcContext, bits: Uint32Array, count: number): Promise<BigUint64Array> {
    const ones = ctx.role === 0 ? new BigUint64Array(count).fill(1n) : null;
    return this.#bitTimesOwnerShare(ctx, bits, count, 0, ones, 1);
  }

  /** Arithmetic shares of [x_i < 0] (sign bits, then B2A). */
  async isNegativeArithmetic(
    ctx: MpcContext,
    x: BigUint64Array,
    bits: number,
  ): Promise<BigUint64Array> {
    return this.toArithmetic(ctx, await this.signBits(ctx, x, bits), x.length);
  }

  /**
   * The term of b·y contributed by party `sender`'s share y_sender (the peer's vectors are
   * ignored): sender's output b_s·y_s − m0, receiver's m0 + b_r·(1 − 2b_s)·y_s.
   */
  async #bitTimesOwnerShare(
    ctx: MpcContext,
    bits: Uint32Array,
    count: number,
    sender: Role,
    vectors: BigUint64Array | null,
    vectorLength: number,
  ): Promise<BigUint64Array> {
    if (bits.length < bitWords(count)) throw new RangeError("bit vector shorter than count");
    const total = count * vectorLength;
    if (count === 0) return new BigUint64Array(0);
    if (ctx.role === sender) {
      if (vectors === null || vectors.length !== total) {
        throw new RangeError(`bit product: ${total} sender values expected`);
      }
      const correlations = new BigUint64Array(total);
      const out = new BigUint64Array(total);
      for (let i = 0; i < count; i++) {
        const b = bitAt(bits, i);
        const base = i * vectorLength;
        for (let v = 0; v < vectorLength; v++) {
          const y = vectors[base + v];
          correlations[base + v] = b ? -y : y;
          out[base + v] = b ? y : 0n;
        }
      }
      const m0 = await ctx.ot.sender.correlatedOtRing(correlations, vectorLength, 64);
      if (m0.length !== total) throw new Error("correlated OT returned a wrong length");
      for (let i = 0; i < total; i++) out[i] -= m0[i];
      return out;
    }
    const received = await ctx.ot.receiver.correlatedOtRing(
      count,
      vectorLength,
      64,
      choiceBytes(bits, count),
    );
    if (received.values.length !== total) throw new Error("correlated OT returned a wrong length");
    return received.values;
  }
}
