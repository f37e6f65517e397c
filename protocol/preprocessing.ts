/**
 * The one pool of dealer-free preprocessed correlations a session draws from: Beaver triples
 * and square pairs (triples.ts, Gilboa-style from OT) and AND triples (bit_triples.ts),
 * generated before the data are known and handed out exactly once.
 *
 * Generation runs in chunks of `chunkSize` items, so the OT batches (and their memory) are
 * bounded whatever the total; the stock holds what was asked for plus at most one chunk.
 * `take*` calls that find the stock short generate the shortfall on the spot (rounded up to
 * whole chunks), so a job may also stream: take per round, never generate upfront. Both
 * parties must make the same sequence of calls with the same counts (the shortfall depends
 * only on those public counts, so the two stores stay in step).
 *
 * AND triples are generated as one block ({@link PreprocessingStore.generateAndTriples}) and
 * handed out as disjoint slices; a request the block cannot serve gets freshly generated
 * triples of exactly its size (online, at the cost of rounds, never reusing any).
 *
 * Security: every item is handed out once and then dropped from the store (Beaver masks must
 * never be reused); the store never sends anything itself.
 *
 * @module
 */

import { checkCount } from "../core/validate.ts";
import { PREPROCESSING_CHUNK_ITEMS } from "../core/tuning.ts";
import { type FanoutTriples, sliceTriples } from "./binary.ts";
import { generateFanoutTriples } from "./bit_triples.ts";
import type { MpcContext } from "./context.ts";
import {
  type BeaverTriples,
  generateSquarePairs,
  generateTriples,
  type SquarePairs,
} from "./triples.ts";

/** How many of each correlation a job needs (public, derived from the job's shape). */
export interface PreprocessingCounts {
  /** Beaver triples. */
  triples: number;
  /** Square pairs. */
  squarePairs: number;
}

/** Default chunk of items generated per call (core/tuning.ts): bounds the OT batches' memory. */
export const DEFAULT_CHUNK_SIZE: number = PREPROCESSING_CHUNK_ITEMS;

/** A FIFO of chunks of parallel arrays, consumed from the front. */
class ChunkQueue {
  #chunks: BigUint64Array[][] = [];
  #offset = 0;
  #available = 0;

  constructor(readonly arity: number) {}

  get available(): number {
    return this.#available;
  }

  push(arrays: BigUint64Array[]): void {
    if (arrays[0].length === 0) return;
    this.#chunks.push(arrays);
    this.#available += arrays[0].length;
  }

  take(count: number): BigUint64Array[] {
    const out = Array.from({ length: this.arity }, () => new BigUint64Array(count));
    let written = 0;
    while (written < count) {
      const chunk = this.#chunks[0];
      const take = Math.min(count - written, chunk[0].length - this.#offset);
      for (let k = 0; k < this.arity; k++) {
        out[k].set(chunk[k].subarray(this.#offset, this.#offset + take), written);
        // Wipe what was handed out so a bug cannot hand the same mask out twice.
        chunk[k].fill(0n, this.#offset, this.#offset + take);
      }
      written += take;
      this.#offset += take;
      if (this.#offset === chunk[0].length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    this.#available -= count;
    return out;
  }
}

/** Preprocessed triples and square pairs for one session; see the module doc. */
export class PreprocessingStore {
  readonly #ctx: MpcContext;
  readonly #chunkSize: number;
  readonly #triples = new ChunkQueue(3);
  readonly #squares = new ChunkQueue(2);
  #andTriples: FanoutTriples | null = null;
  #andOffset = 0;
  #generated: PreprocessingCounts = { triples: 0, squarePairs: 0 };

  /** A store for `ctx`, generating in chunks of `chunkSize` items. */
  constructor(ctx: MpcContext, options: { chunkSize?: number } = {}) {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    checkCount(chunkSize, "PreprocessingStore chunkSize");
    if (chunkSize < 1) throw new RangeError("PreprocessingStore: chunkSize must be ≥ 1");
    this.#ctx = ctx;
    this.#chunkSize = chunkSize;
  }

  /** Items currently in stock. */
  get available(): PreprocessingCounts {
    return { triples: this.#triples.available, squarePairs: this.#squares.available };
  }

  /** Items generated so far (for accounting). */
  get generated(): PreprocessingCounts {
    return { ...this.#generated };
  }

  /** Generates `counts` more items into the stock, chunk by chunk. */
  async generate(counts: Partial<PreprocessingCounts>): Promise<void> {
    const triples = counts.triples ?? 0;
    const squarePairs = counts.squarePairs ?? 0;
    checkCount(triples, "generate triples");
    checkCount(squarePairs, "generate squarePairs");
    for (let done = 0; done < triples; done += this.#chunkSize) {
      const n = Math.min(this.#chunkSize, triples - done);
      const t = await generateTriples(this.#ctx, n);
      this.#triples.push([t.a, t.b, t.c]);
      this.#generated.triples += n;
    }
    for (let done = 0; done < squarePairs; done += this.#chunkSize) {
      const n = Math.min(this.#chunkSize, squarePairs - done);
      const p = await generateSquarePairs(this.#ctx, n);
      this.#squares.push([p.r, p.r2]);
      this.#generated.squarePairs += n;
    }
  }

  /** Hands out `count` triples, generating the shortfall (in whole chunks) first. */
  async takeTriples(count: number): Promise<BeaverTriples> {
    checkCount(count, "takeTriples");
    const short = count - this.#triples.available;
    if (short > 0) await this.generate({ triples: this.#roundUp(short) });
    const [a, b, c] = this.#triples.take(count);
    return { a, b, c };
  }

  /** Hands out `count` square pairs, generating the shortfall (in whole chunks) first. */
  async takeSquarePairs(count: number): Promise<SquarePairs> {
    checkCount(count, "takeSquarePairs");
    const short = count - this.#squares.available;
    if (short > 0) await this.generate({ squarePairs: this.#roundUp(short) });
    const [r, r2] = this.#squares.take(count);
    return { r, r2 };
  }

  /**
   * Generates one block of `words` × 32 AND triples (offline phase); it replaces any unused
   * rest of an earlier block, which is dropped, never handed out.
   */
  async generateAndTriples(words: number): Promise<void> {
    checkCount(words, "generateAndTriples words");
    if (words === 0) return;
    this.#andTriples = await generateFanoutTriples(this.#ctx, words, 1);
    this.#andOffset = 0;
  }

  /** Hands out `words` words of AND triples: a slice of the block, or fresh ones if short. */
  async takeAndTriples(words: number): Promise<FanoutTriples> {
    checkCount(words, "takeAndTriples words");
    const block = this.#andTriples;
    if (block !== null && block.words - this.#andOffset >= words) {
      const triples = sliceTriples(block, this.#andOffset, words);
      this.#andOffset += words;
      return triples;
    }
    return await generateFanoutTriples(this.#ctx, words, 1);
  }

  #roundUp(count: number): number {
    return Math.ceil(count / this.#chunkSize) * this.#chunkSize;
  }
}
