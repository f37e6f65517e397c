/**
 * Fixed-point encoding of real numbers into Z_2^64 (two's complement, f fractional bits).
 *
 * A real x is encoded as round(x · 2^f) mod 2^64 and decoded as toSigned(v) / 2^f. The default
 * f = 16 follows CrypTen. Encoding refuses values whose scaled magnitude does not fit the
 * allowed range, with a clear error naming the element, instead of silently wrapping.
 *
 * The default range, |x · 2^f| < 2^62, leaves one bit of head-room above the sign so that a
 * sum of two encoded values cannot wrap; protocols that truncate after products (see
 * truncation.ts) need far smaller magnitudes (their failure probability is ~2^(l_x + 1 − 64)
 * for |x| < 2^l_x), which callers state through `maxBits`.
 *
 * Security: local encoding of public or owned values; nothing is communicated.
 *
 * @module
 */

/** Default number of fractional bits. */
export const DEFAULT_FRACTIONAL_BITS = 16;

/** Default bound on the bit length of |round(x · 2^f)|. */
export const DEFAULT_MAX_BITS = 62;

/** Raised when a value cannot be encoded (not finite, or out of range). */
export class FixedPointRangeError extends RangeError {
  /** An encoding error; `message` names the value and the range it missed. */
  constructor(message: string) {
    super(message);
    this.name = "FixedPointRangeError";
  }
}

/** Options of {@link encodeFixed}. */
export interface FixedPointOptions {
  /** Fractional bits f (default 16). */
  fractionalBits?: number;
  /** Encoded magnitudes must be < 2^maxBits (default 62, at most 63). */
  maxBits?: number;
  /** A name for the values in error messages (default "value"). */
  what?: string;
}

function checkFractionalBits(f: number): void {
  if (!Number.isInteger(f) || f < 0 || f > 62) {
    throw new RangeError(`fractional bits ${f} is not an integer in [0, 62]`);
  }
}

/** Encodes one real number; throws {@link FixedPointRangeError} if it does not fit. */
export function encodeFixedScalar(value: number, options: FixedPointOptions = {}): bigint {
  return encodeFixed([value], options)[0];
}

/**
 * Encodes reals as ring elements round(x · 2^f) mod 2^64. Throws {@link FixedPointRangeError}
 * naming the first element that is not finite or whose |round(x · 2^f)| ≥ 2^maxBits.
 */
export function encodeFixed(
  values: ArrayLike<number>,
  options: FixedPointOptions = {},
): BigUint64Array {
  const f = options.fractionalBits ?? DEFAULT_FRACTIONAL_BITS;
  const maxBits = options.maxBits ?? DEFAULT_MAX_BITS;
  const what = options.what ?? "value";
  checkFractionalBits(f);
  if (!Number.isInteger(maxBits) || maxBits < 1 || maxBits > 63) {
    throw new RangeError(`maxBits ${maxBits} is not an integer in [1, 63]`);
  }
  const scale = 2 ** f;
  const limit = 2 ** maxBits;
  const out = new BigUint64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const scaled = Math.round(x * scale);
    if (!Number.isFinite(scaled) || Math.abs(scaled) >= limit) {
      throw new FixedPointRangeError(
        `${what} #${i} (${x}) does not fit fixed point with ${f} fractional bits: ` +
          `|x| must be below ${limit / scale}`,
      );
    }
    // Doubles above 2^53 are integers already, so BigInt() is exact here.
    out[i] = BigInt(scaled);
  }
  return out;
}

/** Decodes ring elements (read as signed) with f fractional bits into doubles. */
export function decodeFixed(
  values: BigUint64Array,
  fractionalBits: number = DEFAULT_FRACTIONAL_BITS,
): Float64Array {
  checkFractionalBits(fractionalBits);
  const signed = new BigInt64Array(values.buffer, values.byteOffset, values.length);
  const out = new Float64Array(values.length);
  const scale = 2 ** fractionalBits;
  for (let i = 0; i < values.length; i++) out[i] = Number(signed[i]) / scale;
  return out;
}

/** Decodes one ring element with f fractional bits. */
export function decodeFixedScalar(
  value: bigint,
  fractionalBits: number = DEFAULT_FRACTIONAL_BITS,
): number {
  checkFractionalBits(fractionalBits);
  return Number(BigInt.asIntN(64, value)) / 2 ** fractionalBits;
}
