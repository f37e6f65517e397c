import assert from "node:assert/strict";
import fc from "fast-check";
import {
  fromSigned,
  ringAdd,
  ringAddPublic,
  ringFrom,
  ringMul,
  ringMulPublic,
  ringNeg,
  ringShiftLeft,
  ringShiftRightArithmetic,
  ringShiftRightLogical,
  ringSub,
  ringSum,
  ringSumGroups,
  signedValue,
  toSigned,
} from "../protocol/ring.ts";

const M = 1n << 64n;
const u64 = fc.bigInt({ min: 0n, max: M - 1n });
const pairs = fc.array(fc.tuple(u64, u64), { maxLength: 40 });
const mod = (x: bigint) => ((x % M) + M) % M;

function split(p: [bigint, bigint][]): [BigUint64Array, BigUint64Array] {
  return [BigUint64Array.from(p.map((t) => t[0])), BigUint64Array.from(p.map((t) => t[1]))];
}

Deno.test("ring add, sub, neg, mul equal BigInt arithmetic mod 2^64", () => {
  fc.assert(fc.property(pairs, (p) => {
    const [a, b] = split(p);
    assert.deepEqual([...ringAdd(a, b)], p.map(([x, y]) => mod(x + y)));
    assert.deepEqual([...ringSub(a, b)], p.map(([x, y]) => mod(x - y)));
    assert.deepEqual([...ringNeg(a)], p.map(([x]) => mod(-x)));
    assert.deepEqual([...ringMul(a, b)], p.map(([x, y]) => mod(x * y)));
    assert.deepEqual([...ringMulPublic(a, b)], p.map(([x, y]) => mod(x * y)));
    assert.deepEqual([...ringAddPublic(a, -5n)], p.map(([x]) => mod(x - 5n)));
    assert.equal(ringSum(a), mod(p.reduce((s, [x]) => s + x, 0n)));
  }));
});

Deno.test("ring mulPublic with a negative scalar multiplies by its ring element", () => {
  fc.assert(
    fc.property(
      fc.array(u64, { maxLength: 20 }),
      fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
      (xs, c) => {
        assert.deepEqual([...ringMulPublic(BigUint64Array.from(xs), c)], xs.map((x) => mod(x * c)));
      },
    ),
  );
});

Deno.test("ring shifts equal floor division and multiplication by powers of two", () => {
  fc.assert(
    fc.property(fc.array(u64, { maxLength: 20 }), fc.integer({ min: 0, max: 64 }), (xs, s) => {
      const a = BigUint64Array.from(xs);
      const p = 1n << BigInt(s);
      assert.deepEqual([...ringShiftLeft(a, s)], xs.map((x) => mod(x * p)));
      assert.deepEqual([...ringShiftRightLogical(a, s)], xs.map((x) => x / p));
      const floorDiv = (x: bigint) => {
        const v = signedValue(x);
        const q = v / p;
        return mod(q * p > v ? q - 1n : q);
      };
      assert.deepEqual([...ringShiftRightArithmetic(a, s)], xs.map(floorDiv));
    }),
  );
});

Deno.test("ring shift right can work in place", () => {
  const a = ringFrom([-8, 16, 3]);
  ringShiftRightArithmetic(a, 2, a);
  assert.deepEqual([...toSigned(a)], [-2n, 4n, 0n]);
});

Deno.test("ring group sums add each consecutive group", () => {
  fc.assert(
    fc.property(fc.array(u64, { maxLength: 30 }), fc.integer({ min: 1, max: 5 }), (xs, g) => {
      const n = xs.length - (xs.length % g);
      const a = BigUint64Array.from(xs.slice(0, n));
      const expected = [];
      for (let i = 0; i < n; i += g) {
        expected.push(mod(xs.slice(i, i + g).reduce((s, x) => s + x, 0n)));
      }
      assert.deepEqual([...ringSumGroups(a, g)], expected);
    }),
  );
});

Deno.test("ring signed views reinterpret two's complement without copying", () => {
  const a = ringFrom([-1, 5, -(2 ** 40)]);
  const s = toSigned(a);
  assert.deepEqual([...s], [-1n, 5n, -(2n ** 40n)]);
  assert.deepEqual([...fromSigned(s)], [...a]);
  assert.equal(fromSigned(s).buffer, a.buffer);
  assert.equal(signedValue(M - 1n), -1n);
});

Deno.test("ring operations reject mismatched lengths and bad shifts", () => {
  assert.throws(() => ringAdd(new BigUint64Array(2), new BigUint64Array(3)), /lengths differ/);
  assert.throws(() => ringShiftLeft(new BigUint64Array(2), 65), /shift amount/);
  assert.throws(() => ringFrom([0.5]), /safe integer/);
});
