import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeFixed,
  decodeFixedScalar,
  encodeFixed,
  encodeFixedScalar,
  FixedPointRangeError,
} from "../protocol/fixed_point.ts";

Deno.test("fixed-point encoding rounds to the nearest multiple of 2^-f and decodes back", () => {
  fc.assert(fc.property(
    fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { maxLength: 30 }),
    fc.integer({ min: 0, max: 24 }),
    (xs, f) => {
      const decoded = decodeFixed(encodeFixed(xs, { fractionalBits: f }), f);
      xs.forEach((x, i) => assert.ok(Math.abs(decoded[i] - x) <= 2 ** -(f + 1), `${x}`));
    },
  ));
});

Deno.test("fixed-point encoding uses two's complement for negative values", () => {
  assert.equal(encodeFixedScalar(-1.5), (1n << 64n) - 3n * (1n << 15n));
  assert.equal(encodeFixedScalar(0.25, { fractionalBits: 2 }), 1n);
  assert.equal(decodeFixedScalar((1n << 64n) - (1n << 16n)), -1);
});

Deno.test("fixed-point encoding rejects values that do not fit, naming the element", () => {
  assert.throws(
    () => encodeFixed([1, 2 ** 46], { what: "feature" }),
    (e: unknown) => e instanceof FixedPointRangeError && /feature #1/.test(e.message),
  );
  assert.throws(() => encodeFixed([NaN]), FixedPointRangeError);
  assert.throws(() => encodeFixed([Infinity]), FixedPointRangeError);
  assert.throws(() => encodeFixed([300], { maxBits: 24 }), FixedPointRangeError);
  assert.equal(encodeFixed([255], { maxBits: 24 })[0], 255n << 16n);
  assert.throws(() => encodeFixed([1], { fractionalBits: 70 }), RangeError);
});
