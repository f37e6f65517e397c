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

type ArgminMode = "B2A, triples inside" | "XOR bits only, triples passed in";

/**
 * Runs argmin over n = 37 random rows, checks the result against plaintext and returns the
 * rounds [party 0, party 1] that ChannelStats counted during the argmin call. In the XOR mode
 * the AND triples are generated just before (by generateFanoutTriples, when k ≥ 3), as the
 * k-means offline phase does.
 */
async function measuredArgminRounds(
  k: number,
  bits: number,
  mode: ArgminMode,
): Promise<[number, number]> {
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
  const rounds: [number, number] = [
    c0.channel.stats.total.rounds - before[0],
    c1.channel.stats.total.rounds - before[1],
  ];
  const expected = rows.map(plainArgmin);
  deepEqual(openSigned(r0.min, r1.min), rows.map((r, i) => r[expected[i]]));
  deepEqual(
    openBitShares(r0.oneHotBits, r1.oneHotBits, n * k),
    expected.flatMap((e) => Array.from({ length: k }, (_, j) => (j === e ? 1 : 0))),
  );
  deepEqual(r0.oneHot === null, kmeansMode);
  return rounds;
}

const MODES: ArgminMode[] = ["B2A, triples inside", "XOR bits only, triples passed in"];

for (const [k, bits] of [[1, 40], [2, 40], [3, 40], [5, 40], [8, 64], [16, 40]] as const) {
  for (const mode of MODES) {
    Deno.test(`argmin over k = ${k} at ${bits} bits (${mode}) takes the stated rounds`, async () => {
      const kmeansMode = mode.startsWith("XOR");
      deepEqual(
        await measuredArgminRounds(k, bits, mode),
        argminRounds(k, bits, { triplesPassed: kmeansMode, arithmeticOneHot: !kmeansMode }),
      );
    });
  }
}

/*
 * Hand-computed round counts at a 40-bit bound, independent of argminRounds.
 *
 * ChannelStats counts a round each time a party starts sending after it has received, so a
 * party's count is its number of runs of sends; a run that directly follows the party's own
 * previous send (no receive in between) is not a new round. Frame order per part
 * (S = send, R = receive), from the protocols' headers:
 *
 * - Comparison at l = 40 bits, digits of m = 5 bits (protocol/comparison.ts): l − 1 = 39 bits
 *   in q = ceil(39 / 5) = 8 digits, an AND tree of ceil(log2 8) = 3 levels, so
 *   C = 1 + 3 = 4 rounds on each side:
 *     P0: S(u) R(u) S(tables + AND opening 1) R S(opening 2) R S(opening 3) R   4 runs, ends R
 *     P1: S(u) R(u) R(tables) S(opening 1) R S(opening 2) R S(opening 3) R     4 runs, ends R
 * - Bit × value product (protocol/conversion.ts bitTimesShared: a ring COT with P0 as owner,
 *   then one with P1 as owner; the COT receiver sends u, the sender answers corrections):
 *     P0: R(u) S(corrections) S(u) R(corrections)                               1 run,  ends R
 *     P1: S(u) R(corrections) R(u) S(corrections)                               2 runs, ends S
 * - One AND layer of the top-down expansion (protocol/binary.ts): S(opening) R, 1 run each.
 * - AND-triple generation (generateFanoutTriples): P0: R(u) S(u), ends S; P1: S(u) R(u).
 * - B2A, owner P0 (one ring COT): P0: R(u) S(corrections); P1: S(u) R(corrections).
 * Before argmin each party's last frame is a receive (end of comparePair), except in the XOR
 * mode with k ≥ 3, where the test's triple generation leaves P0's last frame a send.
 *
 * Argmin with L = ceil(log2 k) comparison levels (protocol/argmin.ts): per level one
 * comparison and one product; then L − 1 AND layers (the root's children need no gate).
 * Per level P0 has 4 + 1 = 5 runs and P1 4 + 2 = 6; P1's level ends with a send, so its next
 * level's first send (and the first AND layer's) is no new round.
 *
 * k = 2 (L = 1, no AND layer, no triples):
 *   XOR: P0 4 + 1 = 5; P1 4 + 2 = 6.                                    → [5, 6]
 *   B2A: P0 + 1 = 6; P1's B2A send follows its last product send: 6.  → [6, 6]
 * k = 5 (widths 5, 3, 2) and k = 8 (widths 8, 4, 2): L = 3, 2 AND layers.
 *   XOR: P0 3 · 5 = 15, minus 1 (its first send follows the triple generation's send), plus
 *        2 AND layers = 16; P1 6 + 5 + 5 = 16, plus 1 (the first AND layer merges) = 17.
 *                                                                        → [16, 17]
 *   B2A: P0 1 (triples: R S) + 14 (first level's send merges) + 2 + 1 (B2A) = 18;
 *        P1 1 (triples: S R) + 16 + 1 + 1 (B2A) = 19.                     → [18, 19]
 */
const HAND_COMPUTED_ROUNDS_40_BITS: [number, ArgminMode, [number, number]][] = [
  [2, "XOR bits only, triples passed in", [5, 6]],
  [2, "B2A, triples inside", [6, 6]],
  [5, "XOR bits only, triples passed in", [16, 17]],
  [5, "B2A, triples inside", [18, 19]],
  [8, "XOR bits only, triples passed in", [16, 17]],
  [8, "B2A, triples inside", [18, 19]],
];

for (const [k, mode, expected] of HAND_COMPUTED_ROUNDS_40_BITS) {
  Deno.test(`argmin over k = ${k} at 40 bits (${mode}) takes [${expected.join(", ")}] rounds`, async () => {
    deepEqual(await measuredArgminRounds(k, 40, mode), expected);
    const kmeansMode = mode.startsWith("XOR");
    deepEqual(
      argminRounds(k, 40, { triplesPassed: kmeansMode, arithmeticOneHot: !kmeansMode }),
      expected,
    );
  });
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
