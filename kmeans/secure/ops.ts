/**
 * The preprocessed correlations one secure k-means session draws from: Beaver triples and
 * square pairs (protocol/preprocessing.ts, Gilboa-style from OT) and a pool of AND triples
 * (protocol/bit_triples.ts), all generated in the offline phase so that the Lloyd iterations
 * only consume them. The secure building blocks themselves (comparison, bit × value products,
 * B2A, argmin) live in protocol/ and are called directly; this class only owns the pools.
 *
 * Security (semi-honest): every correlation is used once (the pools hand out disjoint slices);
 * when a pool runs dry, fresh correlations are generated online, which costs rounds but never
 * reuses randomness.
 *
 * @module
 */

import { beaverMultiply, squareShared } from "../../protocol/beaver.ts";
import { andBits, type FanoutTriples, sliceTriples } from "../../protocol/binary.ts";
import { generateFanoutTriples } from "../../protocol/bit_triples.ts";
import type { MpcContext } from "../../protocol/context.ts";
import type { PreprocessingStore } from "../../protocol/preprocessing.ts";

/** One session's pools of preprocessed correlations; see the module doc. */
export class SecureOps {
  readonly #store: PreprocessingStore;
  #andPool: FanoutTriples | null = null;
  #andOffset = 0;

  /** Pools drawing Beaver triples and square pairs from `store`. */
  constructor(store: PreprocessingStore) {
    this.#store = store;
  }

  /** Pre-generates `words` × 32 AND triples (offline phase). */
  async prepareAndTriples(ctx: MpcContext, words: number): Promise<void> {
    if (words <= 0) return;
    this.#andPool = await generateFanoutTriples(ctx, words, 1);
    this.#andOffset = 0;
  }

  /** `words` words of unused AND triples: a slice of the pool, or fresh ones if it ran dry. */
  async takeAndTriples(ctx: MpcContext, words: number): Promise<FanoutTriples> {
    if (this.#andPool !== null && this.#andPool.words - this.#andOffset >= words) {
      const triples = sliceTriples(this.#andPool, this.#andOffset, words);
      this.#andOffset += words;
      return triples;
    }
    return await generateFanoutTriples(ctx, words, 1);
  }

  /** Shares of x·y elementwise (one round). */
  async multiply(ctx: MpcContext, x: BigUint64Array, y: BigUint64Array): Promise<BigUint64Array> {
    return beaverMultiply(ctx, x, y, await this.#store.takeTriples(x.length));
  }

  /** Shares of x² elementwise (one round). */
  async square(ctx: MpcContext, x: BigUint64Array): Promise<BigUint64Array> {
    return squareShared(ctx, x, await this.#store.takeSquarePairs(x.length));
  }

  /** XOR shares of x AND y (one round), from pooled or freshly generated triples. */
  async and(ctx: MpcContext, x: Uint32Array, y: Uint32Array): Promise<Uint32Array> {
    return andBits(ctx, x, y, await this.takeAndTriples(ctx, x.length));
  }
}
