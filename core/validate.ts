/**
 * The one vocabulary of validators: counts inside the library (a programming error is a
 * `RangeError`) and integers given by a user (an {@link InputError} naming the flag).
 *
 * @module
 */

import { InputError } from "./errors.ts";

/**
 * Throws a `RangeError` unless `count` is a non-negative safe integer; `what` names the
 * count in the message.
 *
 * @example
 * ```ts
 * checkCount(1024, "OT count"); // ok
 * checkCount(-1, "OT count"); // RangeError: OT count -1 is not a non-negative integer
 * ```
 */
export function checkCount(count: number, what: string): void {
  if (!(Number.isSafeInteger(count) && count >= 0)) {
    throw new RangeError(`${what} ${count} is not a non-negative integer`);
  }
}

/**
 * Parses a strict decimal integer in [min, max] given for `name` (e.g. `--k`): no sign, hex,
 * exponent, blanks or empty text. Throws a one-line {@link InputError} otherwise.
 *
 * @example
 * ```ts
 * parseDecimalInteger("16", "--frac-bits", 0, 30); // 16
 * parseDecimalInteger("1e3", "--n", 1, 10_000); // InputError
 * ```
 */
export function parseDecimalInteger(
  text: unknown,
  name: string,
  min: number,
  max: number,
): number {
  const value = Number(text);
  if (
    typeof text !== "string" || !/^\d+$/.test(text) || !Number.isSafeInteger(value) ||
    value < min || value > max
  ) {
    throw new InputError(
      `${name} must be a decimal integer in [${min}, ${max}], got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/**
 * Parses a strict decimal number >= 0 (e.g. `0.5`, `1e-4`) given for `name`: no hex, blanks
 * or empty text. Throws a one-line {@link InputError} otherwise.
 */
export function parseNonNegativeNumber(text: unknown, name: string): number {
  const value = Number(text);
  if (
    typeof text !== "string" || !/^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ||
    !Number.isFinite(value)
  ) {
    throw new InputError(`${name} must be a decimal number >= 0, got ${JSON.stringify(text)}`);
  }
  return value;
}
