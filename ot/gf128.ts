/**
 * Arithmetic in GF(2^128) = GF(2)[X] / (X^128 + X^7 + X^2 + X + 1) over 32-bit limbs, for the
 * KOS15 consistency check (ot/kos_check.ts).
 *
 * Representation: an element is 4 little-endian u32 limbs (16 bytes); bit i of the 128-bit
 * value, i.e. bit (i mod 32) of limb ⌊i/32⌋ or bit (i mod 8) of byte ⌊i/8⌋, is the coefficient
 * of X^i. This is the natural bit order of the IKNP matrices (bit i of a 16-byte block is
 * column or row i), not GHASH's reflected order. Addition is XOR.
 *
 * Multiplication is carry-less (polynomial) multiplication followed by one reduction. There is
 * no carry-less multiply instruction in JavaScript or WebAssembly, so the product a·b is built
 * from an 8-bit window table of a: T[v] = a·v(X) for the 256 polynomials v of degree < 8
 * (unreduced, up to 135 bits), and b's 16 bytes select entries that are XORed in at shifts
 * 0, 8, ..., 120. When one factor multiplies many others (a KOS challenge times the 128 blocks
 * of one column block) the table is built once and reused, which is what makes the check
 * affordable; {@link gf128ByteTable} and {@link gf128Reduce} expose the two halves for that.
 *
 * Side channels: table lookups are indexed by operand bytes, so the timing of the memory
 * accesses depends on them (a cache-timing channel to code on the same machine, not to the
 * network peer). This matches the project's threat model (the adversary is the other party).
 *
 * @module
 */

/** Words per table entry of {@link gf128ByteTable} (5 used: a·v has at most 135 bits). */
export const TABLE_STRIDE = 8;

/** u32 words of a byte table: 256 entries of {@link TABLE_STRIDE} words. */
export const TABLE_WORDS = 256 * TABLE_STRIDE;

/**
 * Fills `table` (at least {@link TABLE_WORDS} words) with the unreduced products a·v for all
 * bytes v: entry v occupies words [8v, 8v + 5). `a` is read from limbs [offset, offset + 4).
 */
export function gf128ByteTable(a: Uint32Array, offset: number, table: Uint32Array): void {
  const a0 = a[offset], a1 = a[offset + 1], a2 = a[offset + 2], a3 = a[offset + 3];
  table[0] =
    table[1] =
    table[2] =
    table[3] =
    table[4] =
      0;
  table[8] = a0;
  table[9] = a1;
  table[10] = a2;
  table[11] = a3;
  table[12] = 0;
  // Powers of two: a·X^p for p = 1..7, shifted across limbs.
  for (let p = 1; p < 8; p++) {
    const e = (1 << p) * TABLE_STRIDE;
    const q = 32 - p;
    table[e] = a0 << p;
    table[e + 1] = (a1 << p) | (a0 >>> q);
    table[e + 2] = (a2 << p) | (a1 >>> q);
    table[e + 3] = (a3 << p) | (a2 >>> q);
    table[e + 4] = a3 >>> q;
  }
  // Every other v is its lowest set bit plus the rest, both already in the table.
  for (let v = 3; v < 256; v++) {
    const low = v & -v;
    if (low === v) continue;
    const e = v * TABLE_STRIDE, x = low * TABLE_STRIDE, y = (v ^ low) * TABLE_STRIDE;
    table[e] = table[x] ^ table[y];
    table[e + 1] = table[x + 1] ^ table[y + 1];
    table[e + 2] = table[x + 2] ^ table[y + 2];
    table[e + 3] = table[x + 3] ^ table[y + 3];
    table[e + 4] = table[x + 4] ^ table[y + 4];
  }
}

/**
 * Reduces the 256-bit polynomial in `wide` (8 limbs, degree < 255 as produced by a product)
 * modulo X^128 + X^7 + X^2 + X + 1 into `out` (4 limbs at `outOffset`).
 */
export function gf128Reduce(wide: Uint32Array, out: Uint32Array, outOffset = 0): void {
  // X^128 ≡ X^7 + X^2 + X + 1: the high half h contributes h·(1 + X + X^2 + X^7), which has
  // up to 135 bits; its overflow o (bits 128..134) is folded the same way once more.
  const h0 = wide[4], h1 = wide[5], h2 = wide[6], h3 = wide[7];
  const f0 = h0 ^ (h0 << 1) ^ (h0 << 2) ^ (h0 << 7);
  const f1 = h1 ^ (h1 << 1) ^ (h1 << 2) ^ (h1 << 7) ^ (h0 >>> 31) ^ (h0 >>> 30) ^ (h0 >>> 25);
  const f2 = h2 ^ (h2 << 1) ^ (h2 << 2) ^ (h2 << 7) ^ (h1 >>> 31) ^ (h1 >>> 30) ^ (h1 >>> 25);
  const f3 = h3 ^ (h3 << 1) ^ (h3 << 2) ^ (h3 << 7) ^ (h2 >>> 31) ^ (h2 >>> 30) ^ (h2 >>> 25);
  const o = (h3 >>> 31) ^ (h3 >>> 30) ^ (h3 >>> 25);
  out[outOffset] = wide[0] ^ f0 ^ o ^ (o << 1) ^ (o << 2) ^ (o << 7);
  out[outOffset + 1] = wide[1] ^ f1;
  out[outOffset + 2] = wide[2] ^ f2;
  out[outOffset + 3] = wide[3] ^ f3;
}

/**
 * Combines four byte-shift accumulators into one 256-bit product: `acc` holds, from
 * `accOffset`, four groups of 8 limbs where group n collects table entries that belong at bit
 * shift 8n (plus whole-limb offsets already applied); the result Σ_n group_n · X^{8n} is
 * written to `wide` (8 limbs).
 */
export function combineByteShifts(acc: Uint32Array, accOffset: number, wide: Uint32Array): void {
  for (let w = 0; w < 8; w++) wide[w] = acc[accOffset + w];
  for (let n = 1; n < 4; n++) {
    const base = accOffset + n * 8;
    const s = 8 * n, r = 32 - s;
    wide[0] ^= acc[base] << s;
    for (let w = 1; w < 8; w++) wide[w] ^= (acc[base + w] << s) | (acc[base + w - 1] >>> r);
  }
}

/**
 * XORs the unreduced product (table's element)·b into the four byte-shift accumulators at
 * `accOffset` (see {@link combineByteShifts}); b is limbs [bOffset, bOffset + 4) of `b`.
 */
export function accumulateProduct(
  table: Uint32Array,
  b: Uint32Array,
  bOffset: number,
  acc: Uint32Array,
  accOffset: number,
): void {
  for (let m = 0; m < 4; m++) {
    const word = b[bOffset + m];
    for (let n = 0; n < 4; n++) {
      const e = ((word >>> (8 * n)) & 255) * TABLE_STRIDE;
      const a = accOffset + n * 8 + m;
      acc[a] ^= table[e];
      acc[a + 1] ^= table[e + 1];
      acc[a + 2] ^= table[e + 2];
      acc[a + 3] ^= table[e + 3];
      acc[a + 4] ^= table[e + 4];
    }
  }
}

/** a·b in GF(2^128) (4-limb arrays); a fresh 4-limb result, or written into `out`. */
export function gf128Multiply(
  a: Uint32Array,
  b: Uint32Array,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  if (a.length < 4 || b.length < 4 || out.length < 4) {
    throw new RangeError("gf128Multiply: operands are 4 u32 limbs");
  }
  const table = new Uint32Array(TABLE_WORDS);
  gf128ByteTable(a, 0, table);
  const acc = new Uint32Array(32);
  accumulateProduct(table, b, 0, acc, 0);
  const wide = new Uint32Array(8);
  combineByteShifts(acc, 0, wide);
  gf128Reduce(wide, out);
  return out;
}
