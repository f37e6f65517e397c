/**
 * Ring-correlated OT arithmetic (Gilboa products, vector OLE), on top of hashed IKNP pads.
 *
 * For OT i with vector x_i ∈ (Z_2^w)^L the sender holds pads h0_i = H(i, q_i), h1_i = H(i, q_i ⊕ s)
 * expanded to L words, keeps m0_i = h0_i mod 2^w and sends τ_i = h0_i + x_i − h1_i mod 2^w; the
 * receiver holding h_{c_i} outputs h_{c_i} + c_i·τ_i = m0_i + c_i·x_i (Gilboa, CRYPTO 1999;
 * IKNP 2003 correlated-OT variant). τ_i reveals nothing: h1_i is a random pad unknown to a
 * receiver with c_i = 0, and for c_i = 1 it masks m0_i = h0_i. Only w bits per value travel,
 * packed back to back (Gilboa for l = 64 sends 64 + 63 + ... + 1 = 2080 bits per product).
 *
 * 64-bit values are handled as (low, high) 32-bit halves of a `BigUint64Array`'s buffer, which
 * avoids BigInt arithmetic in the loops. Hash words: value v of OT i is 64-bit word
 * i·wordsPerOt + v of the pad buffer (little-endian).
 *
 * @module
 */

const TWO_32 = 4294967296;

/** Width of OT i from an {@link OtWidths}-style argument. */
function widthOf(widths: number | Uint8Array, i: number): number {
  return typeof widths === "number" ? widths : widths[i];
}

/** Checks widths are integers in [1, 64] and a per-OT array has `count` entries. */
export function validateWidths(widths: number | Uint8Array, count: number): void {
  if (typeof widths === "number") {
    if (!(Number.isInteger(widths) && widths >= 1 && widths <= 64)) {
      throw new RangeError(`OT width ${widths} is not an integer in [1, 64]`);
    }
    return;
  }
  if (widths.length !== count) {
    throw new RangeError(`OT widths array has ${widths.length} entries, expected ${count}`);
  }
  for (let i = 0; i < count; i++) {
    if (widths[i] < 1 || widths[i] > 64) {
      throw new RangeError(`OT width ${widths[i]} not in [1, 64]`);
    }
  }
}

/** Total correction bits for OTs [first, first + count) with vector length L. */
export function correctionBits(
  widths: number | Uint8Array,
  first: number,
  count: number,
  vectorLength: number,
): number {
  if (typeof widths === "number") return widths * count * vectorLength;
  let bits = 0;
  for (let i = first; i < first + count; i++) bits += widths[i];
  return bits * vectorLength;
}

/** Mask of the high word for width w (the low word is full when w ≥ 32). */
function highMask(w: number): number {
  return w >= 64 ? 0xffffffff : w > 32 ? (1 << (w - 32)) - 1 >>> 0 : 0;
}

/** Mask of the low word for width w. */
function lowMask(w: number): number {
  return w >= 32 ? 0xffffffff : ((1 << w) - 1) >>> 0;
}

/** ORs the low `bits` (≤ 32) bits of `value` into the packed stream at bit `pos`. */
function writeBits(words: Uint32Array, pos: number, value: number, bits: number): void {
  const word = pos >>> 5;
  const offset = pos & 31;
  words[word] |= value << offset;
  if (offset + bits > 32) words[word + 1] |= value >>> (32 - offset);
}

/** Reads `bits` (≤ 32) bits at bit `pos` of the packed stream (unmasked above `bits`). */
function readBits(words: Uint32Array, pos: number, bits: number): number {
  const word = pos >>> 5;
  const offset = pos & 31;
  let value = words[word] >>> offset;
  if (offset + bits > 32) value |= words[word + 1] << (32 - offset);
  return value >>> 0;
}

/**
 * Sender side of one chunk. `pad0`/`pad1` are the hashed pads (u32 view, wordsPerOt 64-bit
 * words per OT); `correlations`/`m0Out` are u32 views of BigUint64Arrays positioned at the
 * chunk's first value. OT k of the chunk is OT `first + k` for the widths. Returns the packed
 * corrections (a u32 buffer, of which the first ceil(bits / 8) bytes are sent).
 */
export function ringSenderChunk(
  pad0: Uint32Array,
  pad1: Uint32Array,
  wordsPerOt: number,
  correlations: Uint32Array,
  m0Out: Uint32Array,
  count: number,
  vectorLength: number,
  widths: number | Uint8Array,
  first: number,
): Uint32Array {
  const bits = correctionBits(widths, first, count, vectorLength);
  const packed = new Uint32Array(Math.ceil(bits / 32) + 1);
  let pos = 0;
  for (let k = 0; k < count; k++) {
    const w = widthOf(widths, first + k);
    const lm = lowMask(w);
    const hm = highMask(w);
    const lowBits = w >= 32 ? 32 : w;
    const highBits = w - lowBits;
    let p = k * wordsPerOt * 2;
    let v = k * vectorLength * 2;
    for (let j = 0; j < vectorLength; j++, p += 2, v += 2) {
      const h0lo = pad0[p], h0hi = pad0[p + 1];
      m0Out[v] = h0lo & lm;
      m0Out[v + 1] = h0hi & hm;
      // τ = h0 + x − h1 over 64 bits, carry propagated by hand.
      const low = h0lo + correlations[v] - pad1[p];
      const carry = (low - (low >>> 0)) / TWO_32;
      const high = h0hi + correlations[v + 1] - pad1[p + 1] + carry;
      writeBits(packed, pos, (low >>> 0) & lm, lowBits);
      pos += lowBits;
      if (highBits > 0) {
        writeBits(packed, pos, (high >>> 0) & hm, highBits);
        pos += highBits;
      }
    }
  }
  return packed;
}

/**
 * Receiver side of one chunk: out = h + c·τ mod 2^w for every value, where `pad` is the u32
 * view of the receiver's hashed pads and `packed` the received corrections (u32 view).
 * `choices` holds the chunk's packed choice bits starting at bit 0.
 */
export function ringReceiverChunk(
  pad: Uint32Array,
  wordsPerOt: number,
  packed: Uint32Array,
  choices: Uint8Array,
  out: Uint32Array,
  count: number,
  vectorLength: number,
  widths: number | Uint8Array,
  first: number,
): void {
  let pos = 0;
  for (let k = 0; k < count; k++) {
    const w = widthOf(widths, first + k);
    const lm = lowMask(w);
    const hm = highMask(w);
    const lowBits = w >= 32 ? 32 : w;
    const highBits = w - lowBits;
    const choice = (choices[k >>> 3] >>> (k & 7)) & 1;
    let p = k * wordsPerOt * 2;
    let v = k * vectorLength * 2;
    if (choice === 0) {
      for (let j = 0; j < vectorLength; j++, p += 2, v += 2) {
        out[v] = pad[p] & lm;
        out[v + 1] = pad[p + 1] & hm;
      }
      pos += w * vectorLength;
      continue;
    }
    for (let j = 0; j < vectorLength; j++, p += 2, v += 2) {
      const tauLow = readBits(packed, pos, lowBits);
      pos += lowBits;
      let tauHigh = 0;
      if (highBits > 0) {
        tauHigh = readBits(packed, pos, highBits);
        pos += highBits;
      }
      const low = pad[p] + tauLow;
      const carry = low >= TWO_32 ? 1 : 0;
      out[v] = low & lm;
      out[v + 1] = (pad[p + 1] + tauHigh + carry) & hm;
    }
  }
}
