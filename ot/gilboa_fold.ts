/**
 * Gilboa products folded into the ring-correlated OT stream (the fast path of
 * protocol/gilboa.ts for scalar products, vector length 1).
 *
 * The product 2^shift · b_t · x_t mod 2^64 uses `bits` = 64 − shift OTs per scalar: OT (t, j)
 * has choice bit j of b_t, correlation x_t and width w = bits − j (Gilboa, CRYPTO 1999; the
 * doubled form with shift 1 serves square pairs). The traffic is exactly that of
 * ring_correlation.ts with widths bits, bits − 1, ..., 1: τ = h0 + x − h1 mod 2^w, packed back to
 * back. What changes is local: instead of returning m0 (sender) and m0 + c·x (receiver) per OT
 * for the caller to fold, each OT's value is shifted by s = j + shift and summed into its
 * scalar's share at once. Since s = 64 − w, the shift itself discards every bit at or above
 * the width, so no masking of pads or corrections is needed for the sums, and the sender never
 * materialises x mod 2^w.
 *
 * Security: identical messages and pads to the generic path (see ring_correlation.ts); the
 * outputs are the same additive shares, folded. Pads come from the tweakable hash of
 * ot/tccr_hash.ts with never-repeating OT indices.
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

/** Checks a product shape: 1 ≤ bits and bits + shift = 64. */
export function checkFoldShape(bits: number, shift: number): void {
  if (!(Number.isInteger(bits) && Number.isInteger(shift) && bits >= 1 && bits + shift === 64)) {
    throw new RangeError(`Gilboa fold: bits ${bits} and shift ${shift} must add up to 64`);
  }
}

/** Correction bits of OTs [offset, offset + n) of a fold: widths bits − (g mod bits). */
export function foldCorrectionBits(offset: number, n: number, bits: number): number {
  let total = 0;
  let j = offset % bits;
  for (let k = 0; k < n; k++) {
    total += bits - j;
    j = j + 1 === bits ? 0 : j + 1;
  }
  return total;
}

/**
 * Packs bits 0..bits−1 of every scalar (u32 view, two words per scalar) LSB-first: the choice
 * bits of the fold's OTs, OT (t, j) at bit t·bits + j.
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

/** Where a fold stands between chunks: scalar t, bit j, and the running sums of scalar t. */
export class FoldState {
  t = 0;
  j = 0;
  sumLo = 0;
  sumHi = 0;

  constructor(readonly bits: number, readonly shift: number, readonly negate: boolean) {
    checkFoldShape(bits, shift);
  }
}

/**
 * Writes scalar t's share from its sums (< 2^39, exact in doubles), negated for the sender.
 */
function finishScalar(
  result32: Uint32Array,
  t: number,
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
  result32[2 * t] = lo;
  result32[2 * t + 1] = hi;
}

/**
 * Sender side of one chunk of n OTs: packs τ for each OT and folds −Σ 2^(j+shift)·m0 into
 * `result32` through `state` (negating sums). `pad0`/`pad1` are u32 views of the hashed pads,
 * one 16-byte block per OT; `x32` the u32 view of the correlations, one per scalar. Returns
 * the packed corrections (one spare word) and their bit count.
 */
export function foldSenderChunk(
  pad0: Uint32Array,
  pad1: Uint32Array,
  x32: Uint32Array,
  n: number,
  state: FoldState,
  result32: Uint32Array,
): { packed: Uint32Array; bitCount: number } {
  const { bits, shift, negate } = state;
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
      // (x >>> 1) >>> (31 − s) is x >>> (32 − s), and 0 for s = 0.
      sumLo += (h0lo << s) >>> 0;
      sumHi += ((h0hi << s) | ((h0lo >>> 1) >>> (31 - s))) >>> 0;
    } else {
      sumHi += (h0lo << (s - 32)) >>> 0;
    }
    if (++j === bits) {
      finishScalar(result32, t++, sumLo, sumHi, negate);
      j = sumLo = sumHi = 0;
    }
  }
  if (fill > 0) packed[out] = acc;
  Object.assign(state, { t, j, sumLo, sumHi });
  return { packed, bitCount };
}

/**
 * Receiver side of one chunk of n OTs: value = h + c·τ per OT, folded as Σ 2^(j+shift)·value
 * into `result32` through `state`. `pad` is the u32 view of the hashed pads (one block per
 * OT), `packed` the received corrections (u32 view with one spare word), `choices` the
 * chunk's packed choice bits from bit 0.
 */
export function foldReceiverChunk(
  pad: Uint32Array,
  packed: Uint32Array,
  choices: Uint8Array,
  n: number,
  state: FoldState,
  result32: Uint32Array,
): void {
  const { bits, shift, negate } = state;
  let { t, j, sumLo, sumHi } = state;
  let pos = 0;
  for (let k = 0, p = 0; k < n; k++, p += 4) {
    const w = bits - j;
    // Branch-free in the (random) choice bit: τ is always read and masked by c·(2^32 − 1).
    // Bits of τ above the width need no mask: the fold's shift by 64 − w discards them.
    const choiceMask = -((choices[k >>> 3] >>> (k & 7)) & 1);
    let word = pos >>> 5;
    const offset = pos & 31;
    // (x << 1) << (31 − offset) is x << (32 − offset), and 0 for offset 0.
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
      finishScalar(result32, t++, sumLo, sumHi, negate);
      j = sumLo = sumHi = 0;
    }
  }
  Object.assign(state, { t, j, sumLo, sumHi });
}
