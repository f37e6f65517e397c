/**
 * Seeds and the pseudo-random generator that expands them.
 *
 * The PRG is AES-128 in counter mode, built from `node:crypto` AES-128-ECB over a buffer of
 * counter blocks, because ECB over a batch is several times faster here than the library's
 * own CTR mode (BENCHMARKS.md has the measurement). Security: AES-128 as a pseudo-random permutation (standard PRF/PRP
 * switching), so output blocks are indistinguishable from random for fewer than ~2^64 blocks
 * per key. Seeds come from `crypto.getRandomValues`; fixed seeds are allowed only through the
 * explicit test/harness options of the callers.
 *
 * @module
 */

import { createCipheriv } from "node:crypto";
import { PRG_CHUNK_BLOCKS } from "./tuning.ts";

/** Bytes of a seed (an AES-128 key). */
export const SEED_BYTES = 16;

/** Largest buffer one `crypto.getRandomValues` call may fill. */
const GET_RANDOM_LIMIT = 65536;

/** `length` bytes from the operating system's CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += GET_RANDOM_LIMIT) {
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + GET_RANDOM_LIMIT)));
  }
  return out;
}

/** A fresh random 16-byte seed. */
export function randomSeed(): Uint8Array {
  return randomBytes(SEED_BYTES);
}

/** Blocks encrypted per `update` call; large enough to amortise the call, small enough to cache. */
const CHUNK_BLOCKS = PRG_CHUNK_BLOCKS;

/** AES-128-CTR keystream generator over a 16-byte seed. Not thread-safe; not for re-keying. */
export class Prg {
  #cipher: ReturnType<typeof createCipheriv>;
  #counterBlocks = new Uint8Array(CHUNK_BLOCKS * 16);
  #counterWords = new Uint32Array(this.#counterBlocks.buffer);
  #counter = 0; // next block index; 2^53 blocks is far beyond any job
  #buffer: Uint8Array = new Uint8Array(0);
  #bufferOffset = 0;

  /** A generator keyed by the first 16 bytes of `seed`. */
  constructor(seed: Uint8Array) {
    if (seed.length < SEED_BYTES) throw new Error(`PRG seed must be ${SEED_BYTES} bytes`);
    this.#cipher = createCipheriv("aes-128-ecb", seed.subarray(0, SEED_BYTES), null);
    this.#cipher.setAutoPadding(false);
  }

  /** Fills `out` with the next keystream bytes. */
  fill(out: Uint8Array): Uint8Array {
    let written = 0;
    const buffered = this.#buffer.length - this.#bufferOffset;
    if (buffered > 0) {
      const take = Math.min(buffered, out.length);
      out.set(this.#buffer.subarray(this.#bufferOffset, this.#bufferOffset + take));
      this.#bufferOffset += take;
      written = take;
    }
    while (out.length - written >= 16) {
      const blocks = Math.min(CHUNK_BLOCKS, (out.length - written) >>> 4);
      const keystream = this.#encryptCounters(blocks);
      out.set(keystream, written);
      written += blocks * 16;
    }
    if (written < out.length) {
      this.#buffer = this.#encryptCounters(1);
      this.#bufferOffset = out.length - written;
      out.set(this.#buffer.subarray(0, this.#bufferOffset), written);
    }
    return out;
  }

  /** The next `length` keystream bytes. */
  bytes(length: number): Uint8Array {
    return this.fill(new Uint8Array(length));
  }

  /** The next `count` uniformly random elements of Z_2^64. */
  ring(count: number): BigUint64Array {
    const bytes = this.bytes(count * 8);
    return new BigUint64Array(bytes.buffer, 0, count);
  }

  /** A uniformly random integer in [0, bound), without modulo bias; bound <= 2^32. */
  uniformInt(bound: number): number {
    if (!(bound >= 1 && bound <= 2 ** 32 && Number.isInteger(bound))) {
      throw new RangeError(`uniformInt bound ${bound} out of range`);
    }
    const limit = Math.floor(2 ** 32 / bound) * bound;
    const word = new Uint32Array(1);
    for (;;) {
      this.fill(new Uint8Array(word.buffer));
      if (word[0] < limit) return word[0] % bound;
    }
  }

  #encryptCounters(blocks: number): Uint8Array {
    const words = this.#counterWords;
    for (let i = 0; i < blocks; i++) {
      const counter = this.#counter + i;
      words[i * 4] = counter >>> 0;
      words[i * 4 + 1] = Math.floor(counter / 2 ** 32);
    }
    this.#counter += blocks;
    const out = this.#cipher.update(this.#counterBlocks.subarray(0, blocks * 16));
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
}
