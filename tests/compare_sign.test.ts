import { deepEqual, equal } from "node:assert/strict";
import { comparisonRounds, lessThan, signBits } from "../protocol/comparison.ts";
import { comparePair, openBitShares, shareValues, TestRandom } from "./compare_support.ts";

/** Values that stress a `bits`-bit sign: 0, ±1, the bound's extremes, and random values. */
function edgeAndRandom(bits: number, rng: TestRandom, randomCount: number): bigint[] {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const values = [0n, 1n, -1n, max, -max - 1n, max - 1n, -max, 2n, -2n].filter((v) =>
    v <= max && v >= -max - 1n
  );
  for (let i = 0; i < randomCount; i++) values.push(rng.signed(bits));
  return values;
}

for (const bits of [2, 3, 8, 33, 34, 40, 63, 64]) {
  Deno.test(`signBits at a ${bits}-bit bound matches plaintext on edge and random values`, async () => {
    const rng = new TestRandom(bits);
    const values = edgeAndRandom(bits, rng, 100);
    const [x0, x1] = shareValues(values, rng);
    const [c0, c1] = await comparePair(bits);
    const [s0, s1] = await Promise.all([signBits(c0, x0, bits), signBits(c1, x1, bits)]);
    deepEqual(openBitShares(s0, s1, values.length), values.map((v) => (v < 0n ? 1 : 0)));
  });
}

for (const digitBits of [1, 2, 3, 4, 6]) {
  Deno.test(`signBits with ${digitBits}-bit digits matches plaintext`, async () => {
    const rng = new TestRandom(100 + digitBits);
    const values = edgeAndRandom(40, rng, 70);
    const [x0, x1] = shareValues(values, rng);
    const [c0, c1] = await comparePair(digitBits);
    const opts = { digitBits };
    const [s0, s1] = await Promise.all([signBits(c0, x0, 40, opts), signBits(c1, x1, 40, opts)]);
    deepEqual(openBitShares(s0, s1, values.length), values.map((v) => (v < 0n ? 1 : 0)));
  });
}

Deno.test("lessThan is strict and correct on equal, adjacent, negative and random pairs", async () => {
  const rng = new TestRandom(7);
  const bits = 40;
  const half = 1n << 38n; // both operands in (-2^38, 2^38) keeps |x - y| < 2^39
  const xs = [0n, 0n, 1n, -1n, 5n, -5n, half - 1n, -half + 1n, 3n, 3n, -7n];
  const ys = [0n, 1n, 0n, 0n, 5n, -4n, -half + 1n, half - 1n, 3n, 2n, -7n];
  for (let i = 0; i < 200; i++) {
    xs.push(BigInt.asIntN(38, rng.next()));
    ys.push(i % 10 === 0 ? xs[xs.length - 1] : BigInt.asIntN(38, rng.next()));
  }
  const [x0, x1] = shareValues(xs, rng);
  const [y0, y1] = shareValues(ys, rng);
  const [c0, c1] = await comparePair(3);
  const [s0, s1] = await Promise.all([lessThan(c0, x0, y0, bits), lessThan(c1, x1, y1, bits)]);
  deepEqual(openBitShares(s0, s1, xs.length), xs.map((x, i) => (x < ys[i] ? 1 : 0)));
});

Deno.test("signBits over several batches matches plaintext", async () => {
  const rng = new TestRandom(11);
  const values = edgeAndRandom(20, rng, 300);
  const [x0, x1] = shareValues(values, rng);
  const [c0, c1] = await comparePair(4);
  const opts = { batch: 64 };
  const [s0, s1] = await Promise.all([signBits(c0, x0, 20, opts), signBits(c1, x1, 20, opts)]);
  deepEqual(openBitShares(s0, s1, values.length), values.map((v) => (v < 0n ? 1 : 0)));
});

Deno.test("signBits of an empty vector is empty", async () => {
  const [c0, c1] = await comparePair(5);
  const [s0, s1] = await Promise.all([
    signBits(c0, new BigUint64Array(0), 40),
    signBits(c1, new BigUint64Array(0), 40),
  ]);
  equal(s0.length + s1.length, 0);
});

Deno.test("comparisonRounds counts the OT flight plus one round per AND-tree level", () => {
  equal(comparisonRounds(40, 5), 4); // 39 bits -> 8 digits -> 3 levels
  equal(comparisonRounds(64, 5), 5); // 63 bits -> 13 digits -> 4 levels
  equal(comparisonRounds(40, 4), 5); // 10 digits -> 4 levels
  equal(comparisonRounds(2, 5), 1); // a single digit needs no AND
});

Deno.test("a single-digit comparison takes the stated rounds", async () => {
  const values = [0n, 1n, -1n, 2n, -3n, 3n, -4n];
  const [x0, x1] = shareValues(values, new TestRandom(9));
  const [c0, c1] = await comparePair(8);
  const before = [c0.channel.stats.total.rounds, c1.channel.stats.total.rounds];
  const [s0, s1] = await Promise.all([signBits(c0, x0, 3), signBits(c1, x1, 3)]);
  deepEqual(
    [c0.channel.stats.total.rounds - before[0], c1.channel.stats.total.rounds - before[1]],
    [comparisonRounds(3), comparisonRounds(3)],
  );
  deepEqual(openBitShares(s0, s1, values.length), values.map((v) => (v < 0n ? 1 : 0)));
});

for (const bits of [40, 64]) {
  Deno.test(`one ${bits}-bit comparison batch takes exactly comparisonRounds rounds`, async () => {
    const rng = new TestRandom(bits + 1000);
    const values = edgeAndRandom(bits, rng, 500);
    const [x0, x1] = shareValues(values, rng);
    const [c0, c1] = await comparePair(6);
    const before = [c0.channel.stats.total.rounds, c1.channel.stats.total.rounds];
    const [s0, s1] = await Promise.all([signBits(c0, x0, bits), signBits(c1, x1, bits)]);
    const rounds = [
      c0.channel.stats.total.rounds - before[0],
      c1.channel.stats.total.rounds - before[1],
    ];
    deepEqual(rounds, [comparisonRounds(bits), comparisonRounds(bits)]);
    deepEqual(openBitShares(s0, s1, values.length), values.map((v) => (v < 0n ? 1 : 0)));
  });
}
