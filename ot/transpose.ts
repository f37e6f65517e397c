/**
 * Bit-matrix transpose between IKNP's column form (128 rows of N bits, one row per base OT) and
 * its row form (N rows of 128 bits, one per extended OT).
 *
 * Blocked: the matrix is cut into 32×32 bit tiles, each transposed in registers with the
 * classic five-stage mask-and-swap network (Warren, "Hacker's Delight", §7-3), here in the
 * LSB-first bit order that the rest of `ot/` uses (bit j of a word is column j). Public data
 * layout only; no secret-dependent branches or memory accesses.
 *
 * @module
 */

/**
 * Transposes a 128 × `columns` bit matrix. `rows` holds 128 rows of columns/32 little-endian
 * words (row j, column i is bit i & 31 of word j·columns/32 + (i >> 5)). Writes `columns` rows
 * of 4 words to `out` (row i, bit j of the 128-bit row is column-form row j, column i).
 * `columns` must be a multiple of 32.
 */
export function transpose128(rows: Uint32Array, columns: number, out: Uint32Array): Uint32Array {
  if (columns % 32 !== 0) throw new RangeError("transpose128: columns must be a multiple of 32");
  const rowWords = columns >>> 5;
  if (rows.length < 128 * rowWords || out.length < columns * 4) {
    throw new RangeError("transpose128: buffers too small");
  }
  for (let band = 0; band < 4; band++) {
    const rowBase = band * 32 * rowWords;
    for (let tile = 0; tile < rowWords; tile++) {
      transposeTile(rows, rowBase + tile, rowWords, out, tile * 128 + band);
    }
  }
  return out;
}

/**
 * One 32×32 tile: reads 32 words at src[from + k·stride], writes the transposed words to
 * out[to + 4j]. Unrolled into locals so V8 keeps the tile in registers.
 */
function transposeTile(
  src: Uint32Array,
  from: number,
  stride: number,
  out: Uint32Array,
  to: number,
): void {
  let a0 = src[from], a1 = src[from + stride], a2 = src[from + 2 * stride];
  let a3 = src[from + 3 * stride], a4 = src[from + 4 * stride], a5 = src[from + 5 * stride];
  let a6 = src[from + 6 * stride], a7 = src[from + 7 * stride], a8 = src[from + 8 * stride];
  let a9 = src[from + 9 * stride], a10 = src[from + 10 * stride];
  let a11 = src[from + 11 * stride], a12 = src[from + 12 * stride];
  let a13 = src[from + 13 * stride], a14 = src[from + 14 * stride];
  let a15 = src[from + 15 * stride], a16 = src[from + 16 * stride];
  let a17 = src[from + 17 * stride], a18 = src[from + 18 * stride];
  let a19 = src[from + 19 * stride], a20 = src[from + 20 * stride];
  let a21 = src[from + 21 * stride], a22 = src[from + 22 * stride];
  let a23 = src[from + 23 * stride], a24 = src[from + 24 * stride];
  let a25 = src[from + 25 * stride], a26 = src[from + 26 * stride];
  let a27 = src[from + 27 * stride], a28 = src[from + 28 * stride];
  let a29 = src[from + 29 * stride], a30 = src[from + 30 * stride];
  let a31 = src[from + 31 * stride];
  let t: number;
  // Stage 16: swap the high half of word k with the low half of word k + 16.
  const m16 = 0x0000ffff;
  t = ((a0 >>> 16) ^ a16) & m16, a0 ^= t << 16, a16 ^= t;
  t = ((a1 >>> 16) ^ a17) & m16, a1 ^= t << 16, a17 ^= t;
  t = ((a2 >>> 16) ^ a18) & m16, a2 ^= t << 16, a18 ^= t;
  t = ((a3 >>> 16) ^ a19) & m16, a3 ^= t << 16, a19 ^= t;
  t = ((a4 >>> 16) ^ a20) & m16, a4 ^= t << 16, a20 ^= t;
  t = ((a5 >>> 16) ^ a21) & m16, a5 ^= t << 16, a21 ^= t;
  t = ((a6 >>> 16) ^ a22) & m16, a6 ^= t << 16, a22 ^= t;
  t = ((a7 >>> 16) ^ a23) & m16, a7 ^= t << 16, a23 ^= t;
  t = ((a8 >>> 16) ^ a24) & m16, a8 ^= t << 16, a24 ^= t;
  t = ((a9 >>> 16) ^ a25) & m16, a9 ^= t << 16, a25 ^= t;
  t = ((a10 >>> 16) ^ a26) & m16, a10 ^= t << 16, a26 ^= t;
  t = ((a11 >>> 16) ^ a27) & m16, a11 ^= t << 16, a27 ^= t;
  t = ((a12 >>> 16) ^ a28) & m16, a12 ^= t << 16, a28 ^= t;
  t = ((a13 >>> 16) ^ a29) & m16, a13 ^= t << 16, a29 ^= t;
  t = ((a14 >>> 16) ^ a30) & m16, a14 ^= t << 16, a30 ^= t;
  t = ((a15 >>> 16) ^ a31) & m16, a15 ^= t << 16, a31 ^= t;
  // Stage 8.
  const m8 = 0x00ff00ff;
  t = ((a0 >>> 8) ^ a8) & m8, a0 ^= t << 8, a8 ^= t;
  t = ((a1 >>> 8) ^ a9) & m8, a1 ^= t << 8, a9 ^= t;
  t = ((a2 >>> 8) ^ a10) & m8, a2 ^= t << 8, a10 ^= t;
  t = ((a3 >>> 8) ^ a11) & m8, a3 ^= t << 8, a11 ^= t;
  t = ((a4 >>> 8) ^ a12) & m8, a4 ^= t << 8, a12 ^= t;
  t = ((a5 >>> 8) ^ a13) & m8, a5 ^= t << 8, a13 ^= t;
  t = ((a6 >>> 8) ^ a14) & m8, a6 ^= t << 8, a14 ^= t;
  t = ((a7 >>> 8) ^ a15) & m8, a7 ^= t << 8, a15 ^= t;
  t = ((a16 >>> 8) ^ a24) & m8, a16 ^= t << 8, a24 ^= t;
  t = ((a17 >>> 8) ^ a25) & m8, a17 ^= t << 8, a25 ^= t;
  t = ((a18 >>> 8) ^ a26) & m8, a18 ^= t << 8, a26 ^= t;
  t = ((a19 >>> 8) ^ a27) & m8, a19 ^= t << 8, a27 ^= t;
  t = ((a20 >>> 8) ^ a28) & m8, a20 ^= t << 8, a28 ^= t;
  t = ((a21 >>> 8) ^ a29) & m8, a21 ^= t << 8, a29 ^= t;
  t = ((a22 >>> 8) ^ a30) & m8, a22 ^= t << 8, a30 ^= t;
  t = ((a23 >>> 8) ^ a31) & m8, a23 ^= t << 8, a31 ^= t;
  // Stage 4.
  const m4 = 0x0f0f0f0f;
  t = ((a0 >>> 4) ^ a4) & m4, a0 ^= t << 4, a4 ^= t;
  t = ((a1 >>> 4) ^ a5) & m4, a1 ^= t << 4, a5 ^= t;
  t = ((a2 >>> 4) ^ a6) & m4, a2 ^= t << 4, a6 ^= t;
  t = ((a3 >>> 4) ^ a7) & m4, a3 ^= t << 4, a7 ^= t;
  t = ((a8 >>> 4) ^ a12) & m4, a8 ^= t << 4, a12 ^= t;
  t = ((a9 >>> 4) ^ a13) & m4, a9 ^= t << 4, a13 ^= t;
  t = ((a10 >>> 4) ^ a14) & m4, a10 ^= t << 4, a14 ^= t;
  t = ((a11 >>> 4) ^ a15) & m4, a11 ^= t << 4, a15 ^= t;
  t = ((a16 >>> 4) ^ a20) & m4, a16 ^= t << 4, a20 ^= t;
  t = ((a17 >>> 4) ^ a21) & m4, a17 ^= t << 4, a21 ^= t;
  t = ((a18 >>> 4) ^ a22) & m4, a18 ^= t << 4, a22 ^= t;
  t = ((a19 >>> 4) ^ a23) & m4, a19 ^= t << 4, a23 ^= t;
  t = ((a24 >>> 4) ^ a28) & m4, a24 ^= t << 4, a28 ^= t;
  t = ((a25 >>> 4) ^ a29) & m4, a25 ^= t << 4, a29 ^= t;
  t = ((a26 >>> 4) ^ a30) & m4, a26 ^= t << 4, a30 ^= t;
  t = ((a27 >>> 4) ^ a31) & m4, a27 ^= t << 4, a31 ^= t;
  // Stage 2.
  const m2 = 0x33333333;
  t = ((a0 >>> 2) ^ a2) & m2, a0 ^= t << 2, a2 ^= t;
  t = ((a1 >>> 2) ^ a3) & m2, a1 ^= t << 2, a3 ^= t;
  t = ((a4 >>> 2) ^ a6) & m2, a4 ^= t << 2, a6 ^= t;
  t = ((a5 >>> 2) ^ a7) & m2, a5 ^= t << 2, a7 ^= t;
  t = ((a8 >>> 2) ^ a10) & m2, a8 ^= t << 2, a10 ^= t;
  t = ((a9 >>> 2) ^ a11) & m2, a9 ^= t << 2, a11 ^= t;
  t = ((a12 >>> 2) ^ a14) & m2, a12 ^= t << 2, a14 ^= t;
  t = ((a13 >>> 2) ^ a15) & m2, a13 ^= t << 2, a15 ^= t;
  t = ((a16 >>> 2) ^ a18) & m2, a16 ^= t << 2, a18 ^= t;
  t = ((a17 >>> 2) ^ a19) & m2, a17 ^= t << 2, a19 ^= t;
  t = ((a20 >>> 2) ^ a22) & m2, a20 ^= t << 2, a22 ^= t;
  t = ((a21 >>> 2) ^ a23) & m2, a21 ^= t << 2, a23 ^= t;
  t = ((a24 >>> 2) ^ a26) & m2, a24 ^= t << 2, a26 ^= t;
  t = ((a25 >>> 2) ^ a27) & m2, a25 ^= t << 2, a27 ^= t;
  t = ((a28 >>> 2) ^ a30) & m2, a28 ^= t << 2, a30 ^= t;
  t = ((a29 >>> 2) ^ a31) & m2, a29 ^= t << 2, a31 ^= t;
  // Stage 1.
  const m1 = 0x55555555;
  t = ((a0 >>> 1) ^ a1) & m1, a0 ^= t << 1, a1 ^= t;
  t = ((a2 >>> 1) ^ a3) & m1, a2 ^= t << 1, a3 ^= t;
  t = ((a4 >>> 1) ^ a5) & m1, a4 ^= t << 1, a5 ^= t;
  t = ((a6 >>> 1) ^ a7) & m1, a6 ^= t << 1, a7 ^= t;
  t = ((a8 >>> 1) ^ a9) & m1, a8 ^= t << 1, a9 ^= t;
  t = ((a10 >>> 1) ^ a11) & m1, a10 ^= t << 1, a11 ^= t;
  t = ((a12 >>> 1) ^ a13) & m1, a12 ^= t << 1, a13 ^= t;
  t = ((a14 >>> 1) ^ a15) & m1, a14 ^= t << 1, a15 ^= t;
  t = ((a16 >>> 1) ^ a17) & m1, a16 ^= t << 1, a17 ^= t;
  t = ((a18 >>> 1) ^ a19) & m1, a18 ^= t << 1, a19 ^= t;
  t = ((a20 >>> 1) ^ a21) & m1, a20 ^= t << 1, a21 ^= t;
  t = ((a22 >>> 1) ^ a23) & m1, a22 ^= t << 1, a23 ^= t;
  t = ((a24 >>> 1) ^ a25) & m1, a24 ^= t << 1, a25 ^= t;
  t = ((a26 >>> 1) ^ a27) & m1, a26 ^= t << 1, a27 ^= t;
  t = ((a28 >>> 1) ^ a29) & m1, a28 ^= t << 1, a29 ^= t;
  t = ((a30 >>> 1) ^ a31) & m1, a30 ^= t << 1, a31 ^= t;
  out[to] = a0, out[to + 4] = a1, out[to + 8] = a2, out[to + 12] = a3;
  out[to + 16] = a4, out[to + 20] = a5, out[to + 24] = a6, out[to + 28] = a7;
  out[to + 32] = a8, out[to + 36] = a9, out[to + 40] = a10, out[to + 44] = a11;
  out[to + 48] = a12, out[to + 52] = a13, out[to + 56] = a14, out[to + 60] = a15;
  out[to + 64] = a16, out[to + 68] = a17, out[to + 72] = a18, out[to + 76] = a19;
  out[to + 80] = a20, out[to + 84] = a21, out[to + 88] = a22, out[to + 92] = a23;
  out[to + 96] = a24, out[to + 100] = a25, out[to + 104] = a26, out[to + 108] = a27;
  out[to + 112] = a28, out[to + 116] = a29, out[to + 120] = a30, out[to + 124] = a31;
}
