/**
 * The Z_2^64 arithmetic of ring-correlated OT, on 32-bit halves: mask tables, correction
 * packing, choice-bit packing and the Gilboa fold. It is the only place that splits 64-bit
 * values into the (low, high) words of a `BigUint64Array`'s buffer, because V8 compiles 32-bit
 * integer operations to machine code but not BigInt masks and shifts; everything else works on
 * whole ring values.
 *
 * Ring-correlated OT i with correlation x (a vector of values of width w): the sender holds pads
 * h0 = H(i, q_i), h1 = H(i, q_i ⊕ s), keeps m0 = h0 mod 2^w and sends τ = h0 + x − h1 mod 2^w;
 * the receiver holding h_c outputs h_c + c·τ = m0 + c·x mod 2^w (ot/ring_correlation.ts has
 * the security argument). Only w bits per value travel, packed back to back LSB-first.
 *
 * Gilboa fold with shift s0 (bits = 64 − s0 OTs per scalar): OT j of scalar t has width
 * w = bits − j and its value (m0 on the sender, m0 + c·x on the receiver) is weighted by
 * 2^(j + s0) = 2^(64 − w). That weight discards every bit at or above the width, so the folded
 * kernels sum raw pads and corrections without masking them first.
 *
 * Buffer layout: pads are u32 views with `wordsPerOt` 64-bit words per OT (little-endian);
 * corrections are u32 buffers with one spare word, so unaligned 32-bit reads never run off.
 *
 * @module
 */

const TWO_32 = 4294967296;

/** LOW_MASK[w] / HIGH_MASK[w]: masks of the low and high 32-bit words for width w ≤ 64. */
const LOW_MASK = new Uint32Array(65);
const HIGH_MASK = new Uint32Array(65);
for (let w = 0; w <= 64; w++) {
  LOW_MASK[w] = w >= 32 ? 0xffffffff : 2 ** w - 1;
  HIGH_MASK[w] = w >= 64 ? 0xffffffff : w > 32 ? 2 ** (w - 32) - 1 : 0;
}

/** The u32 view of a BigUint64Array (always 8-byte aligned, so no copy). */
export function halves(values: BigUint64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/**
 * Sender side of one chunk of ring-correlated OT. `correlations`/`m0Out` are u32 views of
 * BigUint64Arrays positioned at the chunk's first value. OT k of the chunk has width `fixed`, or
 * `widths[first + k]` when `fixed` is 0. Returns the packed corrections.
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
  bitCount: number,
): Uint32Array {
  const packed = new Uint32Array(Math.ceil(bitCount / 32) + 1);
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
 * Receiver side of one chunk: out = h + c·τ mod 2^w for every value, where `pad` is the
 * receiver's hashed pads and `packed` the received corrections. `choices` holds the chunk's
 * packed choice bits starting at bit 0; widths as for {@link ringSenderChunk}.
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

/**
 * Packs bits 0..bits−1 of every scalar (u32 view, two words per scalar) LSB-first: the choice
 * bits of a fold's OTs, OT (t, j) at bit t·bits + j.
 */
export function packScalarBits(scalars32: Uint32Array, count: number, bits: number): Uint8Array {
  if (bits === 64) {
    return new Uint8Array(scalars32.buffer, scalars32.byteOffset, count * 8).slice();
  }
  const packed = new Uint32Array(Math.ceil((count * bits) / 32) + 2);
  const highBits = bits - 32;
  const highMask = HIGH_MASK[bits];
  let pos = 0;
  for (let t = 0; t < count; t++) {
    // Low word: 32 bits at pos; high word: highBits bits at pos + 32 (same bit offset).
    const low = scalars32[2 * t];
    const high = scalars32[2 * t + 1] & highMask;
    const word = pos >>> 5;
    const offset = pos & 31;
    packed[word] |= low << offset;
    if (offset > 0) packed[word + 1] |= low >>> (32 - offset);
    packed[word + 1] |= high << offset;
    if (offset + highBits > 32) packed[word + 2] |= high >>> (32 - offset);
    pos += bits;
  }
  return new Uint8Array(packed.buffer, 0, Math.ceil((count * bits) / 8));
}

/**
 * Writes share `index` from its sums (< 2^39, exact in doubles), negated for the sender.
 */
function finishSum(
  result32: Uint32Array,
  index: number,
  sumLo: number,
  sumHi: number,
  negate: boolean,
): void {
  let lo = sumLo >>> 0;
  let hi = (sumHi + Math.floor(sumLo / TWO_32)) >>> 0;
  if (negate) {
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
    lo = (-lo) >>> 0;
  }
  result32[2 * index] = lo;
  result32[2 * index + 1] = hi;
}

/** A rectangle of a vector fold: scalars [t0, t0 + scalars) × elements [v0, v0 + slice). */
export interface FoldBlock {
  t0: number;
  scalars: number;
  v0: number;
  slice: number;
}

/**
 * The correlations of a vector fold's ring-OT call for `block`: OT (t, j) carries
 * x_t[v0, v0 + slice) mod 2^(bits − j), written to `out32` in OT order.
 */
export function foldCorrelations(
  vectors32: Uint32Array,
  vectorLength: number,
  block: FoldBlock,
  bits: number,
  out32: Uint32Array,
): void {
  const { t0, scalars, v0, slice } = block;
  let o = 0;
  for (let t = 0; t < scalars; t++) {
    const base = ((t0 + t) * vectorLength + v0) * 2;
    for (let w = bits; w > 0; w--) {
      const loMask = LOW_MASK[w];
      const hiMask = HIGH_MASK[w];
      for (let v = 0; v < slice; v++) {
        out32[o++] = vectors32[base + 2 * v] & loMask;
        out32[o++] = vectors32[base + 2 * v + 1] & hiMask;
      }
    }
  }
}

/**
 * Folds one ring-OT call of a vector fold (outputs in the layout of {@link foldCorrelations})
 * into ± Σ_j 2^(j+shift) · value_j for each (t, v) of `block`, written to `result32` (the
 * N × vectorLength shares). Each value has width bits − j, so the sum never needs masking.
 */
export function foldValues(
  values32: Uint32Array,
  block: FoldBlock,
  vectorLength: number,
  bits: number,
  negate: boolean,
  result32: Uint32Array,
): void {
  const { t0, scalars, v0, slice } = block;
  const shift = 64 - bits;
  const stride = slice * 2;
  for (let t = 0; t < scalars; t++) {
    const base = (t0 + t) * vectorLength + v0;
    const otBase = t * bits * slice;
    for (let v = 0; v < slice; v++) {
      let sumLo = 0;
      let sumHi = 0;
      let p = (otBase + v) * 2;
      for (let j = 0; j < bits; j++, p += stride) {
        const s = j + shift;
        const lo = values32[p];
        if (s < 32) {
          // (x >>> 1) >>> (31 − s) is x >>> (32 − s), and 0 for s = 0.
          sumLo += (lo << s) >>> 0;
          sumHi += ((values32[p + 1] << s) | ((lo >>> 1) >>> (31 - s))) >>> 0;
        } else {
          sumHi += (lo << (s - 32)) >>> 0;
        }
      }
      finishSum(result32, base + v, sumLo, sumHi, negate);
    }
  }
}

/** Where a scalar fold stands between chunks: scalar t, bit j, and the running sums of t. */
export class FoldState {
  t = 0;
  j = 0;
  sumLo = 0;
  sumHi = 0;

  /** `bits` OTs per scalar (bits + shift = 64); the sender negates its sums. */
  constructor(readonly bits: number, readonly negate: boolean) {}
}

/**
 * Sender side of one chunk of n OTs of a scalar fold: packs τ for each OT and folds
 * −Σ 2^(j+shift)·m0 into `result32` through `state`. `pad0`/`pad1` hold one 16-byte block per
 * OT; `x32` is the u32 view of the correlations, one per scalar. Returns the packed
 * corrections and their bit count.
 */
export function foldSenderChunk(
  pad0: Uint32Array,
  pad1: Uint32Array,
  x32: Uint32Array,
  n: number,
  state: FoldState,
  result32: Uint32Array,
): { packed: Uint32Array; bitCount: number } {
  const { bits, negate } = state;
  const shift = 64 - bits;
  let { t, j, sumLo, sumHi } = state;
  const packed = new Uint32Array(Math.ceil((n * 64) / 32) + 1);
  let acc = 0;
  let fill = 0;
  let out = 0;
  let bitCount = 0;
  for (let k = 0, p = 0; k < n; k++, p += 4) {
    const w = bits - j;
    const t2 = 2 * t;
    const h0lo = pad0[p], h0hi = pad0[p + 1];
    // τ = h0 + x − h1 over 64 bits, carry propagated by hand, cut to w bits.
    const low = h0lo + x32[t2] - pad1[p];
    const carry = (low - (low >>> 0)) / TWO_32;
    const lowBits = w >= 32 ? 32 : w;
    const tauLow = (low >>> 0) & LOW_MASK[w];
    acc |= tauLow << fill;
    fill += lowBits;
    if (fill >= 32) {
      packed[out++] = acc;
      fill -= 32;
      acc = fill === 0 ? 0 : tauLow >>> (lowBits - fill);
    }
    if (w > 32) {
      const highBits = w - 32;
      const tauHigh = ((h0hi + x32[t2 + 1] - pad1[p + 1] + carry) >>> 0) & HIGH_MASK[w];
      acc |= tauHigh << fill;
      fill += highBits;
      if (fill >= 32) {
        packed[out++] = acc;
        fill -= 32;
        acc = fill === 0 ? 0 : tauHigh >>> (highBits - fill);
      }
    }
    bitCount += w;
    // m0 = h0 mod 2^w; the shift by s = 64 − w drops the rest, so h0 is summed as it is.
    const s = j + shift;
    if (s < 32) {
      sumLo += (h0lo << s) >>> 0;
      sumHi += ((h0hi << s) | ((h0lo >>> 1) >>> (31 - s))) >>> 0;
    } else {
      sumHi += (h0lo << (s - 32)) >>> 0;
    }
    if (++j === bits) {
      finishSum(result32, t++, sumLo, sumHi, negate);
      j = sumLo = sumHi = 0;
    }
  }
  if (fill > 0) packed[out] = acc;
  Object.assign(state, { t, j, sumLo, sumHi });
  return { packed, bitCount };
}

/**
 * Receiver side of one chunk of n OTs of a scalar fold: value = h + c·τ per OT, folded as
 * Σ 2^(j+shift)·value into `result32` through `state`. `pad` holds one block per OT, `packed`
 * the received corrections, `choices` the chunk's packed choice bits from bit 0.
 */
export function foldReceiverChunk(
  pad: Uint32Array,
  packed: Uint32Array,
  choices: Uint8Array,
  n: number,
  state: FoldState,
  result32: Uint32Array,
): void {
  const { bits, negate } = state;
  const shift = 64 - bits;
  let { t, j, sumLo, sumHi } = state;
  let pos = 0;
  for (let k = 0, p = 0; k < n; k++, p += 4) {
    const w = bits - j;
    // Branch-free in the choice bit; bits of τ above the width are discarded by the weight.
    const choiceMask = -((choices[k >>> 3] >>> (k & 7)) & 1);
    let word = pos >>> 5;
    const offset = pos & 31;
    const tauLow = ((packed[word] >>> offset) | ((packed[word + 1] << 1) << (31 - offset))) &
      choiceMask;
    let tauHigh = 0;
    if (w > 32) {
      word = (pos + 32) >>> 5;
      tauHigh = ((packed[word] >>> offset) | ((packed[word + 1] << 1) << (31 - offset))) &
        choiceMask;
    }
    pos += w;
    const low = pad[p] + (tauLow >>> 0);
    const vlo = low >>> 0;
    const vhi = (pad[p + 1] + tauHigh + (low >= TWO_32 ? 1 : 0)) >>> 0;
    const s = j + shift;
    if (s < 32) {
      sumLo += (vlo << s) >>> 0;
      sumHi += ((vhi << s) | ((vlo >>> 1) >>> (31 - s))) >>> 0;
    } else {
      sumHi += (vlo << (s - 32)) >>> 0;
    }
    if (++j === bits) {
      finishSum(result32, t++, sumLo, sumHi, negate);
      j = sumLo = sumHi = 0;
    }
  }
  Object.assign(state, { t, j, sumLo, sumHi });
}
