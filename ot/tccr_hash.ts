/**
 * Tweakable correlation-robust hash from fixed-key AES, batched.
 *
 * H(i, x) = π(π(x) ⊕ i) ⊕ π(x), with π = AES-128 under a fixed public key: the TMMO
 * construction of Guo, Katz, Wang, Yu, "Efficient and Secure Multiparty Computation from
 * Fixed-Key Block Ciphers" (IEEE S&P 2020), proven a tweakable circular correlation-robust
 * hash in the ideal-permutation model. They also show that placing the tweak next to x inside a
 * single π call (e.g. π(x ⊕ i) ⊕ x ⊕ i) can fail, which is why the tweak enters between the two
 * calls. Security needs every tweak to be used for at most one OT: callers pass tweaks derived
 * from a running OT counter that never repeats.
 *
 * Speed: both π layers are single `node:crypto` AES-128-ECB `update` calls over the whole batch,
 * which run on the AES hardware instructions.
 *
 * @module
 */

import { createCipheriv } from "node:crypto";
import { HASH_CHUNK_BLOCKS } from "../core/tuning.ts";

/** The fixed public AES key of π (the first 16 hex digits of π's expansion; any constant works). */
const FIXED_KEY = new Uint8Array([
  0x24,
  0x3f,
  0x6a,
  0x88,
  0x85,
  0xa3,
  0x08,
  0xd3,
  0x13,
  0x19,
  0x8a,
  0x2e,
  0x03,
  0x70,
  0x73,
  0x44,
]);

/** A fixed-key AES permutation π over 16-byte blocks. */
export class FixedKeyAes {
  #cipher = createCipheriv("aes-128-ecb", FIXED_KEY, null);

  constructor() {
    this.#cipher.setAutoPadding(false);
  }

  /** π applied to every 16-byte block of `blocks` (length a multiple of 16); a new array. */
  permute(blocks: Uint8Array): Uint8Array {
    const out = this.#cipher.update(blocks);
    // Keep the result 4-byte aligned so callers can take Uint32 views.
    if (out.byteOffset % 4 !== 0) return new Uint8Array(out);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
}

/** Blocks per AES call in {@link TccrHash.hashIndexed} (128 KiB). */
const PIECE_BLOCKS = HASH_CHUNK_BLOCKS;

/**
 * The tweakable correlation-robust hash over batches of 16-byte blocks.
 * Not thread-safe (one instance per endpoint).
 */
export class TccrHash {
  #pi = new FixedKeyAes();

  /**
   * Writes H(tweak_k, x_k) for every block k into `out` (may alias `x`). `x`, `tweaks` and `out`
   * are n × 16 bytes with 4-byte aligned offsets.
   */
  hash(x: Uint8Array, tweaks: Uint8Array, out: Uint8Array): Uint8Array {
    const n = x.length >>> 2;
    if (x.length % 16 !== 0 || tweaks.length !== x.length || out.length !== x.length) {
      throw new RangeError("TccrHash: inputs must be equal multiples of 16 bytes");
    }
    const px = this.#pi.permute(x);
    const px32 = new Uint32Array(px.buffer, px.byteOffset, n);
    const t32 = new Uint32Array(tweaks.buffer, tweaks.byteOffset, n);
    for (let k = 0; k < n; k++) t32[k] ^= px32[k];
    const ppx = this.#pi.permute(tweaks);
    for (let k = 0; k < n; k++) t32[k] ^= px32[k]; // restore the caller's tweaks
    const ppx32 = new Uint32Array(ppx.buffer, ppx.byteOffset, n);
    const out32 = new Uint32Array(out.buffer, out.byteOffset, n);
    for (let k = 0; k < n; k++) out32[k] = ppx32[k] ^ px32[k];
    return out;
  }

  /**
   * H((firstIndex + (k mod otCount), 0), x_k) for every block k of `x` into `out` (may alias
   * `x`); the tweak words of {@link fillTweaks} with one block per OT, XORed in on the fly.
   * `x.length` must be a multiple of 16·otCount; offsets 4-byte aligned.
   */
  hashIndexed(x: Uint8Array, firstIndex: number, otCount: number, out: Uint8Array): Uint8Array {
    const n = x.length >>> 2;
    if (
      otCount < 1 || x.length % (16 * otCount) !== 0 || out.length !== x.length ||
      !(Number.isSafeInteger(firstIndex + otCount) && firstIndex >= 0)
    ) {
      throw new RangeError("TccrHash.hashIndexed: bad batch shape");
    }
    // Pieces of PIECE_BLOCKS blocks keep the AES buffers cache-sized and reusable by the
    // allocator. π(x) ⊕ tweak is formed in place in π's fresh output; the final pass XORs
    // the tweak out again, since H = π(π(x) ⊕ i) ⊕ π(x).
    const blocks = n >>> 2;
    const out32 = new Uint32Array(out.buffer, out.byteOffset, n);
    const lastIndex = firstIndex + otCount - 1;
    for (let start = 0; start < blocks; start += PIECE_BLOCKS) {
      const end = Math.min(blocks, start + PIECE_BLOCKS);
      const px = this.#pi.permute(x.subarray(start * 16, end * 16));
      const px32 = new Uint32Array(px.buffer, px.byteOffset, (end - start) * 4);
      const startIndex = firstIndex + (start % otCount);
      for (let w = 0, index = startIndex; w < px32.length; w += 4) {
        const low = index >>> 0;
        px32[w] ^= low;
        px32[w + 1] ^= (index - low) / 4294967296;
        index = index === lastIndex ? firstIndex : index + 1;
      }
      const ppx = this.#pi.permute(px);
      const ppx32 = new Uint32Array(ppx.buffer, ppx.byteOffset, px32.length);
      for (let w = 0, o = start * 4, index = startIndex; w < px32.length; w += 4, o += 4) {
        const low = index >>> 0;
        out32[o] = ppx32[w] ^ px32[w] ^ low;
        out32[o + 1] = ppx32[w + 1] ^ px32[w + 1] ^ ((index - low) / 4294967296);
        out32[o + 2] = ppx32[w + 2] ^ px32[w + 2];
        out32[o + 3] = ppx32[w + 3] ^ px32[w + 3];
        index = index === lastIndex ? firstIndex : index + 1;
      }
    }
    return out;
  }
}

/**
 * Fills `tweaks` (count × blocksPerOt × 16 bytes) with the tweak blocks (OT index, block index):
 * words [index mod 2^32, floor(index / 2^32), block, 0] for OT indices firstIndex, firstIndex+1,...
 */
export function fillTweaks(
  tweaks: Uint8Array,
  firstIndex: number,
  count: number,
  blocksPerOt: number,
): Uint8Array {
  const words = new Uint32Array(tweaks.buffer, tweaks.byteOffset, count * blocksPerOt * 4);
  let w = 0;
  for (let i = 0; i < count; i++) {
    const index = firstIndex + i;
    const low = index >>> 0;
    const high = Math.floor(index / 4294967296) >>> 0;
    for (let block = 0; block < blocksPerOt; block++) {
      words[w] = low;
      words[w + 1] = high;
      words[w + 2] = block;
      words[w + 3] = 0;
      w += 4;
    }
  }
  return tweaks;
}
