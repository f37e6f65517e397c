/**
 * In-memory benchmarks of the secure-computation layer (both parties in one process, so the
 * times are the two parties' CPU added up, without network): 64-bit ring kernels, dealer-free
 * triples and square pairs, 40-bit comparisons and the k-means argmin. The two-process TCP
 * numbers come from `deno task bench-arith` and `deno task bench-compare` (BENCHMARKS.md).
 *
 * @module
 */

import { ringAdd, ringMul } from "../protocol/ring.ts";
import { generateSquarePairs, generateTriples } from "../protocol/triples.ts";
import { signBits } from "../protocol/comparison.ts";
import { argmin } from "../protocol/argmin.ts";
import { Prg } from "../core/prg.ts";
import { memoryContextPair, testSeed } from "../testing/mpc_pair.ts";

const [ctx0, ctx1] = await memoryContextPair(5);
const data = new Prg(testSeed(5, 50));
const x = data.ring(1 << 20);
const y = data.ring(1 << 20);
const out = new BigUint64Array(1 << 20);

Deno.bench("ring add 2^20 elements", { group: "ring", baseline: true }, () => {
  ringAdd(x, y, out);
});

Deno.bench("ring mul 2^20 elements", { group: "ring" }, () => {
  ringMul(x, y, out);
});

Deno.bench("Beaver triples 8192 (Gilboa, both parties)", { group: "preprocessing" }, async () => {
  await Promise.all([generateTriples(ctx0, 8192), generateTriples(ctx1, 8192)]);
});

Deno.bench("square pairs 8192 (both parties)", { group: "preprocessing" }, async () => {
  await Promise.all([generateSquarePairs(ctx0, 8192), generateSquarePairs(ctx1, 8192)]);
});

// Shares of small signed values: party 0 holds v − r, party 1 holds r.
const count = 16384;
const mask = data.ring(count);
const values = data.ring(count).map((v) => BigInt.asUintN(64, BigInt.asIntN(39, v)));
const share0 = values.map((v, i) => v - mask[i]);

Deno.bench("sign of 16384 values, 40-bit bound (both parties)", { group: "compare" }, async () => {
  await Promise.all([signBits(ctx0, share0, 40), signBits(ctx1, mask, 40)]);
});

const rows = 10000;
const k = 5;
const distMask = data.ring(rows * k);
const distances = data.ring(rows * k).map((v) => BigInt.asUintN(64, BigInt.asIntN(38, v)));
const dist0 = distances.map((v, i) => v - distMask[i]);

Deno.bench("argmin 10000 × 5, 40-bit bound (both parties)", { group: "compare" }, async () => {
  await Promise.all([
    argmin(ctx0, dist0, k, { bits: 40 }),
    argmin(ctx1, distMask, k, { bits: 40 }),
  ]);
});
