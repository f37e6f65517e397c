/**
 * Vector arithmetic over the ring Z_2^64, the ring of every arithmetic share in this project.
 *
 * A vector is a `BigUint64Array`; storing into it reduces mod 2^64, so results are exact ring
 * elements. Every function takes an optional `out` array (which may alias an input) so hot
 * loops can run without allocating.
 *
 * Implementation choice (measured; BENCHMARKS.md): add / sub / mul over `BigUint64Array` with
 * BigInt arithmetic are as fast as hand-written WebAssembly once V8 has optimised the loop
 * (TurboFan lowers 64-bit BigInt add/mul into machine words), so no WASM module is used.
 * BigInt shifts are NOT lowered (an order of magnitude slower), so shifts left are done as multiplications by
 * 2^s and shifts right on the two 32-bit halves through a `Uint32Array` view (little-endian,
 * which is every platform Deno runs on). Cold loops on small batches cost more (tens of ns per
 * element) until V8 optimises them; batches in this project are large.
 *
 * Signed interpretation: an element x in [2^63, 2^64) stands for x − 2^64 (two's complement),
 * exactly like a reinterpretation as `BigInt64Array`.
 *
 * Security: plain local arithmetic, no secrets handled differently from public values.
 *
 * @module
 */

/** Bits of a ring element (l in the papers). */
export const RING_BITS = 64;

/** 2^64 as a BigInt. */
export const RING_MODULUS = 1n << 64n;

/** 2^64 − 1, the all-ones element (−1 in the ring). */
export const RING_MASK = RING_MODULUS - 1n;

function checkLengths(a: BigUint64Array, b: { length: number }, what: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: vector lengths differ (${a.length} vs ${b.length})`);
  }
}

function output(length: number, out: BigUint64Array | undefined): BigUint64Array {
  if (out === undefined) return new BigUint64Array(length);
  if (out.length !== length) {
    throw new RangeError(`output vector has length ${out.length}, expected ${length}`);
  }
  return out;
}

function checkShift(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > 64) {
    throw new RangeError(`shift amount ${bits} is not an integer in [0, 64]`);
  }
}

/** Reduces any BigInt (also negative) to its ring element in [0, 2^64). */
export function ringElement(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}

/** The signed value in [−2^63, 2^63) that the ring element `value` stands for. */
export function signedValue(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** a + b elementwise. */
export function ringAdd(
  a: BigUint64Array,
  b: BigUint64Array,
  out?: BigUint64Array,
): BigUint64Array {
  checkLengths(a, b, "ringAdd");
  const o = output(a.length, out);
  for (let i = 0; i < a.length; i++) o[i] = a[i] + b[i];
  return o;
}

/** a − b elementwise. */
export function ringSub(
  a: BigUint64Array,
  b: BigUint64Array,
  out?: BigUint64Array,
): BigUint64Array {
  checkLengths(a, b, "ringSub");
  const o = output(a.length, out);
  for (let i = 0; i < a.length; i++) o[i] = a[i] - b[i];
  return o;
}

/** −a elementwise. */
export function ringNeg(a: BigUint64Array, out?: BigUint64Array): BigUint64Array {
  const o = output(a.length, out);
  for (let i = 0; i < a.length; i++) o[i] = -a[i];
  return o;
}

/** a · b elementwise (both operands are ring vectors). */
export function ringMul(
  a: BigUint64Array,
  b: BigUint64Array,
  out?: BigUint64Array,
): BigUint64Array {
  checkLengths(a, b, "ringMul");
  const o = output(a.length, out);
  for (let i = 0; i < a.length; i++) o[i] = a[i] * b[i];
  return o;
}

/**
 * a · c for a public factor c: one scalar for every element, or a vector of the same length.
 * A negative scalar is taken mod 2^64.
 */
export function ringMulPublic(
  a: BigUint64Array,
  factor: bigint | BigUint64Array,
  out?: BigUint64Array,
): BigUint64Array {
  const o = output(a.length, out);
  if (typeof factor === "bigint") {
    const c = BigInt.asUintN(64, factor);
    for (let i = 0; i < a.length; i++) o[i] = a[i] * c;
  } else {
    checkLengths(a, factor, "ringMulPublic");
    for (let i = 0; i < a.length; i++) o[i] = a[i] * factor[i];
  }
  return o;
}

/** a + c for a public scalar c (or vector) elementwise. */
export function ringAddPublic(
  a: BigUint64Array,
  addend: bigint | BigUint64Array,
  out?: BigUint64Array,
): BigUint64Array {
  const o = output(a.length, out);
  if (typeof addend === "bigint") {
    const c = BigInt.asUintN(64, addend);
    for (let i = 0; i < a.length; i++) o[i] = a[i] + c;
  } else {
    checkLengths(a, addend, "ringAddPublic");
    for (let i = 0; i < a.length; i++) o[i] = a[i] + addend[i];
  }
  return o;
}

/** a · 2^bits elementwise (bits in [0, 64]; 64 gives zero). */
export function ringShiftLeft(
  a: BigUint64Array,
  bits: number,
  out?: BigUint64Array,
): BigUint64Array {
  checkShift(bits);
  // Multiplication is lowered to machine code by V8, BigInt `<<` is not.
  return ringMulPublic(a, 1n << BigInt(bits), out);
}

function shiftRight(
  a: BigUint64Array,
  bits: number,
  arithmetic: boolean,
  out: BigUint64Array | undefined,
): BigUint64Array {
  checkShift(bits);
  const o = output(a.length, out);
  if (a.length === 0) return o;
  const src = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const dst = new Uint32Array(o.buffer, o.byteOffset, o.length * 2);
  const n = a.length;
  if (bits === 0) {
    if (o !== a) o.set(a);
  } else if (bits < 32) {
    const back = 32 - bits;
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i];
      const hi = src[2 * i + 1];
      dst[2 * i] = (lo >>> bits) | (hi << back);
      dst[2 * i + 1] = arithmetic ? hi >> bits : hi >>> bits;
    }
  } else if (bits < 64) {
    const s = bits - 32;
    for (let i = 0; i < n; i++) {
      const hi = src[2 * i + 1];
      dst[2 * i] = arithmetic ? hi >> s : hi >>> s;
      dst[2 * i + 1] = arithmetic ? hi >> 31 : 0;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const fill = arithmetic ? src[2 * i + 1] >> 31 : 0;
      dst[2 * i] = fill;
      dst[2 * i + 1] = fill;
    }
  }
  return o;
}

/** floor(a / 2^bits) with a read as unsigned (logical shift right), elementwise. */
export function ringShiftRightLogical(
  a: BigUint64Array,
  bits: number,
  out?: BigUint64Array,
): BigUint64Array {
  return shiftRight(a, bits, false, out);
}

/** floor(a / 2^bits) with a read as signed (arithmetic shift right), elementwise. */
export function ringShiftRightArithmetic(
  a: BigUint64Array,
  bits: number,
  out?: BigUint64Array,
): BigUint64Array {
  return shiftRight(a, bits, true, out);
}

/** The sum of all elements of `a` mod 2^64. */
export function ringSum(a: BigUint64Array): bigint {
  let s = 0n;
  for (let i = 0; i < a.length; i++) s = BigInt.asUintN(64, s + a[i]);
  return s;
}

/**
 * Sums consecutive groups of `groupLength` elements: out[g] = Σ_{i<groupLength} a[g·L + i].
 * Used for dot products of row-major batches.
 */
export function ringSumGroups(
  a: BigUint64Array,
  groupLength: number,
  out?: BigUint64Array,
): BigUint64Array {
  if (!Number.isInteger(groupLength) || groupLength < 1 || a.length % groupLength !== 0) {
    throw new RangeError(`ringSumGroups: length ${a.length} is not a multiple of ${groupLength}`);
  }
  const groups = a.length / groupLength;
  const o = output(groups, out);
  for (let g = 0; g < groups; g++) {
    let s = 0n;
    const base = g * groupLength;
    for (let i = 0; i < groupLength; i++) s = BigInt.asUintN(64, s + a[base + i]);
    o[g] = s;
  }
  return o;
}

/** The same memory read as signed 64-bit integers (no copy). */
export function toSigned(a: BigUint64Array): BigInt64Array {
  return new BigInt64Array(a.buffer, a.byteOffset, a.length);
}

/** The same memory read as ring elements (no copy): the inverse of {@link toSigned}. */
export function fromSigned(a: BigInt64Array): BigUint64Array {
  return new BigUint64Array(a.buffer, a.byteOffset, a.length);
}

/** A ring vector from arbitrary BigInts (reduced mod 2^64) or safe integers. */
export function ringFrom(values: ArrayLike<bigint | number>): BigUint64Array {
  const o = new BigUint64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && !Number.isSafeInteger(v)) {
      throw new RangeError(`ringFrom: element ${i} (${v}) is not a safe integer`);
    }
    o[i] = BigInt.asUintN(64, BigInt(v));
  }
  return o;
}
