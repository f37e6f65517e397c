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

/** LOW_MASK[w] / HIGH_MASK[w]: masks of the low and high 32-bit words for width w ≤ 64. */
const LOW_MASK = new Uint32Array(65);
const HIGH_MASK = new Uint32Array(65);
for (let w = 0; w <= 64; w++) {
  LOW_MASK[w] = w >= 32 ? 0xffffffff : 2 ** w - 1;
  HIGH_MASK[w] = w >= 64 ? 0xffffffff : w > 32 ? 2 ** (w - 32) - 1 : 0;
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
  const fixed = typeof widths === "number" ? widths : 0;
  // The corrections are streamed into `acc` (fill bits used, always < 32) and stored a whole
  // word at a time: no read-modify-write of the output per value.
  let acc = 0;
  let fill = 0;
  let out = 0;
  for (let k = 0; k < count; k++) {
    const w = fixed || (widths as Uint8Array)[first + k];
    const lm = LOW_MASK[w];
    const hm = HIGH_MASK[w];
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
      const tauLow = (low >>> 0) & lm;
      acc |= tauLow << fill;
      fill += lowBits;
      if (fill >= 32) {
        packed[out++] = acc;
        fill -= 32;
        acc = fill === 0 ? 0 : tauLow >>> (lowBits - fill);
      }
      if (highBits > 0) {
        const tauHigh = ((h0hi + correlations[v + 1] - pad1[p + 1] + carry) >>> 0) & hm;
        acc |= tauHigh << fill;
        fill += highBits;
        if (fill >= 32) {
          packed[out++] = acc;
          fill -= 32;
          acc = fill === 0 ? 0 : tauHigh >>> (highBits - fill);
        }
      }
    }
  }
  if (fill > 0) packed[out] = acc;
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
  const fixed = typeof widths === "number" ? widths : 0;
  let pos = 0;
  for (let k = 0; k < count; k++) {
    const w = fixed || (widths as Uint8Array)[first + k];
    const lm = LOW_MASK[w];
    const hm = HIGH_MASK[w];
    const lowBits = w >= 32 ? 32 : w;
    const highBits = w - lowBits;
    // Branch-free in the (random) choice bit: τ is always read and masked by c·(2^32 − 1).
    const choiceMask = -((choices[k >>> 3] >>> (k & 7)) & 1);
    const lowSelect = lm & choiceMask;
    let p = k * wordsPerOt * 2;
    let v = k * vectorLength * 2;
    for (let j = 0; j < vectorLength; j++, p += 2, v += 2) {
      // Unaligned 32-bit reads of the packed stream (the buffer has one spare word).
      let word = pos >>> 5;
      let offset = pos & 31;
      // (x << 1) << (31 − offset) is x << (32 − offset), and 0 for offset 0.
      const tauLow = (packed[word] >>> offset) | ((packed[word + 1] << 1) << (31 - offset));
      pos += lowBits;
      let tauHigh = 0;
      if (highBits > 0) {
        word = pos >>> 5;
        offset = pos & 31;
        tauHigh = (packed[word] >>> offset) | ((packed[word + 1] << 1) << (31 - offset));
        tauHigh &= choiceMask;
        pos += highBits;
      }
      const low = pad[p] + ((tauLow & lowSelect) >>> 0);
      const carry = low >= TWO_32 ? 1 : 0;
      out[v] = low & lm;
      out[v + 1] = (pad[p + 1] + tauHigh + carry) & hm;
    }
  }
}
