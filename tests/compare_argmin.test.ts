import { deepEqual, rejects } from "node:assert/strict";
import { argmin, argminRounds, argminTripleWords } from "../protocol/argmin.ts";
import { generateFanoutTriples } from "../protocol/bit_triples.ts";
import {
  comparePair,
  openBitShares,
  openSigned,
  shareValues,
  TestRandom,
} from "./compare_support.ts";

/** Plaintext argmin: index of the first minimal entry of a row. */
function plainArgmin(row: bigint[]): number {
  let best = 0;
  for (let j = 1; j < row.length; j++) if (row[j] < row[best]) best = j;
  return best;
}

async function checkArgmin(rows: bigint[][], k: number, bits: number, seed: number) {
  const flat = rows.flat();
  const rng = new TestRandom(seed);
  const [v0, v1] = shareValues(flat, rng);
  const [c0, c1] = await comparePair(seed);
  const [r0, r1] = await Promise.all([
    argmin(c0, v0, k, { bits }),
    argmin(c1, v1, k, { bits }),
  ]);
  const n = rows.length;
  const expectedIndex = rows.map(plainArgmin);
  deepEqual(openSigned(r0.min, r1.min), rows.map((r, i) => r[expectedIndex[i]]));
  const expectedOneHot = rows.flatMap((_, i) =>
    Array.from({ length: k }, (_, j) => (j === expectedIndex[i] ? 1 : 0))
  );
  deepEqual(openSigned(r0.oneHot!, r1.oneHot!), expectedOneHot.map(BigInt));
  deepEqual(openBitShares(r0.oneHotBits, r1.oneHotBits, n * k), expectedOneHot);
}

for (const k of [1, 2, 3, 5, 8, 16]) {
  Deno.test(`argmin over k = ${k} matches plaintext, ties to the lowest index`, async () => {
    const rng = new TestRandom(300 + k);
    const bits = 40;
    const max = (1n << 39n) - 1n;
    const rows: bigint[][] = [];
    // Random non-negative rows (distances), rows of equal values, rows with extremes and ties.
    for (let i = 0; i < 40; i++) {
      rows.push(Array.from({ length: k }, () => (rng.next() & max)));
    }
    for (let i = 0; i < 10; i++) {
      rows.push(Array.from({ length: k }, () => (rng.next() & 7n))); // many ties
    }
    rows.push(Array.from({ length: k }, () => 0n));
    rows.push(Array.from({ length: k }, () => max));
    rows.push(Array.from({ length: k }, (_, j) => (j === k - 1 ? 0n : max)));
    rows.push(Array.from({ length: k }, (_, j) => (j === k - 1 ? max - 1n : max)));
    rows.push(Array.from({ length: k }, (_, j) => BigInt(k - j)));
    await checkArgmin(rows, k, bits, 300 + k);
  });
}

Deno.test("argmin handles negative values and the full 64-bit bound", async () => {
  const rng = new TestRandom(77);
  const rows: bigint[][] = [[-1n, 0n, 1n], [5n, -5n, -5n], [0n, -1n, -1n]];
  for (let i = 0; i < 30; i++) rows.push([rng.signed(62), rng.signed(62), rng.signed(62)]);
  await checkArgmin(rows, 3, 64, 77);
});

for (const [k, bits] of [[1, 40], [2, 40], [3, 40], [5, 40], [8, 64], [16, 40]] as const) {
  for (const mode of ["B2A, triples inside", "XOR bits only, triples passed in"]) {
    Deno.test(`argmin over k = ${k} at ${bits} bits (${mode}) takes the stated rounds`, async () => {
      const kmeansMode = mode.startsWith("XOR");
      const rng = new TestRandom(500 + k);
      const max = (1n << BigInt(bits - 2)) - 1n;
      const n = 37;
      const rows = Array.from(
        { length: n },
        () => Array.from({ length: k }, () => rng.next() & max),
      );
      const [v0, v1] = shareValues(rows.flat(), rng);
      const [c0, c1] = await comparePair(500 + k);
      const words = argminTripleWords(n, k);
      const [t0, t1] = kmeansMode && words > 0
        ? await Promise.all([generateFanoutTriples(c0, words), generateFanoutTriples(c1, words)])
        : [undefined, undefined];
      const before = [c0.channel.stats.total.rounds, c1.channel.stats.total.rounds];
      const options = (andTriples: typeof t0) => ({
        bits,
        andTriples,
        arithmeticOneHot: !kmeansMode,
      });
      const [r0, r1] = await Promise.all([
        argmin(c0, v0, k, options(t0)),
        argmin(c1, v1, k, options(t1)),
      ]);
      deepEqual(
        [c0.channel.stats.total.rounds - before[0], c1.channel.stats.total.rounds - before[1]],
        argminRounds(k, bits, { triplesPassed: kmeansMode, arithmeticOneHot: !kmeansMode }),
      );
      const expected = rows.map(plainArgmin);
      deepEqual(openSigned(r0.min, r1.min), rows.map((r, i) => r[expected[i]]));
      deepEqual(
        openBitShares(r0.oneHotBits, r1.oneHotBits, n * k),
        expected.flatMap((e) => Array.from({ length: k }, (_, j) => (j === e ? 1 : 0))),
      );
      deepEqual(r0.oneHot === null, kmeansMode);
    });
  }
}

Deno.test("argmin refuses too few AND triples before any traffic", async () => {
  const [c0] = await comparePair(9);
  const one = new Uint32Array(1);
  const tooFew = { words: 1, fanout: 1, a: one, b: one, c: one };
  const sentBefore = c0.channel.stats.total.bytesSent;
  await rejects(
    () => argmin(c0, new BigUint64Array(64 * 5), 5, { bits: 40, andTriples: tooFew }),
    /needs 6 words of AND triples, got 1/,
  );
  deepEqual(c0.channel.stats.total.bytesSent, sentBefore);
});
