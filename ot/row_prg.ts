/**
 * The 128 IKNP row generators G(k_j), expanded together in counter mode.
 *
 * G(k) is AES-128 in counter mode under key k (block i = AES_k(i), counter in the first eight
 * bytes little-endian), exactly the keystream of party/prg.ts, so both parties' rows are the
 * same as before and AES-128 is a PRF under each independent base-OT key. The speed gain: all
 * 128 keys encrypt the same counter blocks at the same stream position, so the counter buffer
 * is written once per chunk instead of once per key, and each row is handed to the caller
 * straight from the AES output (no copy into a staging buffer).
 *
 * Security: as party/prg.ts (AES-128 as a PRF; fewer than 2^64 blocks per key). The keys are
 * secret base-OT outputs and never leave this object.
 *
 * @module
 */

import { createCipheriv } from "node:crypto";

/** Called once per key j with that key's next row (a u32 view valid only during the call). */
export type RowHandler = (j: number, row: Uint32Array) => void;

/** Counter-mode expansion of a set of 16-byte keys, advanced in lock step. */
export class RowExpander {
  #ciphers: ReturnType<typeof createCipheriv>[] = [];
  #counters = new Uint32Array(0);
  #position = 0; // blocks consumed per key; 2^53 is far beyond any session

  /** `keys`: k × 16 bytes, one AES-128 key per row. */
  constructor(keys: Uint8Array) {
    if (keys.length % 16 !== 0 || keys.length === 0) {
      throw new RangeError("RowExpander: keys must be a non-empty multiple of 16 bytes");
    }
    for (let j = 0; j < keys.length / 16; j++) {
      const cipher = createCipheriv("aes-128-ecb", keys.subarray(j * 16, j * 16 + 16), null);
      cipher.setAutoPadding(false);
      this.#ciphers.push(cipher);
    }
  }

  /** Number of keys (rows per expansion). */
  get rows(): number {
    return this.#ciphers.length;
  }

  /**
   * Produces the next `rowBytes` bytes (a multiple of 16) of every key's stream and hands
   * them to `onRow` in key order.
   */
  expand(rowBytes: number, onRow: RowHandler): void {
    const input = this.#advance(rowBytes);
    for (let j = 0; j < this.#ciphers.length; j++) onRow(j, this.#row(j, input));
  }

  /**
   * Like {@link expand} on this expander and `other` (same number of keys, same stream
   * position) at once, handing over both rows of key j together while they are still in cache.
   */
  expandPair(
    other: RowExpander,
    rowBytes: number,
    onRows: (j: number, row: Uint32Array, otherRow: Uint32Array) => void,
  ): void {
    if (other.#ciphers.length !== this.#ciphers.length || other.#position !== this.#position) {
      throw new RangeError("RowExpander.expandPair: expanders are not in lock step");
    }
    const input = this.#advance(rowBytes);
    other.#position = this.#position;
    for (let j = 0; j < this.#ciphers.length; j++) {
      onRows(j, this.#row(j, input), other.#row(j, input));
    }
  }

  /** Writes the counter blocks of the next `rowBytes` of every stream and advances. */
  #advance(rowBytes: number): Uint8Array {
    if (rowBytes % 16 !== 0) throw new RangeError("RowExpander: rowBytes must be a multiple of 16");
    const blocks = rowBytes >>> 4;
    if (this.#counters.length < blocks * 4) this.#counters = new Uint32Array(blocks * 4);
    const counters = this.#counters;
    for (let i = 0; i < blocks; i++) {
      const counter = this.#position + i;
      counters[i * 4] = counter >>> 0;
      counters[i * 4 + 1] = Math.floor(counter / 4294967296);
    }
    this.#position += blocks;
    return new Uint8Array(counters.buffer, 0, rowBytes);
  }

  /** Key j's keystream over the counter blocks `input`, as a u32 view. */
  #row(j: number, input: Uint8Array): Uint32Array {
    const out = this.#ciphers[j].update(input);
    return out.byteOffset % 4 === 0
      ? new Uint32Array(out.buffer, out.byteOffset, input.length >>> 2)
      : new Uint32Array(new Uint8Array(out).buffer);
  }
}
