import { deepEqual } from "node:assert/strict";
import { argmin, argminRounds } from "../protocol/argmin.ts";
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
  const oneHot = openSigned(r0.oneHot, r1.oneHot);
  deepEqual(
    oneHot,
    rows.flatMap((_, i) =>
      Array.from({ length: k }, (_, j) => BigInt(j === expectedIndex[i] ? 1 : 0))
    ),
  );
  const words = Math.ceil(n / 32);
  for (let j = 0; j < k; j++) {
    const bits0 = r0.oneHotBits.subarray(j * words, (j + 1) * words);
    const bits1 = r1.oneHotBits.subarray(j * words, (j + 1) * words);
    deepEqual(openBitShares(bits0, bits1, n), expectedIndex.map((e) => (e === j ? 1 : 0)));
  }
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
  Deno.test(`argmin over k = ${k} at ${bits} bits takes the stated rounds`, async () => {
    const rng = new TestRandom(500 + k);
    const max = (1n << BigInt(bits - 2)) - 1n;
    const rows = Array.from(
      { length: 37 },
      () => Array.from({ length: k }, () => rng.next() & max),
    );
    const [v0, v1] = shareValues(rows.flat(), rng);
    const [c0, c1] = await comparePair(500 + k);
    const before = [c0.channel.stats.total.rounds, c1.channel.stats.total.rounds];
    const [r0, r1] = await Promise.all([argmin(c0, v0, k, { bits }), argmin(c1, v1, k, { bits })]);
    deepEqual(
      [c0.channel.stats.total.rounds - before[0], c1.channel.stats.total.rounds - before[1]],
      argminRounds(k, bits),
    );
    deepEqual(openSigned(r0.min, r1.min), rows.map((r) => r[plainArgmin(r)]));
  });
}
