/**
 * Secure k-means++ (kmeans/secure_init.ts) against the exact fixed-point k-means++ reference
 * (kmeans/init.ts fixedKmeansPlusPlus) with the same public draws: the secure initial
 * centroids equal the reference's rows bit for bit, and the full secure run then matches the
 * reference labels and centroids; both partitions, dot and square distances. Plus
 * hand-computed reference cases. (The exact floor by 2^s it uses is tested in
 * arith_truncation_exact.test.ts.)
 */
import assert from "node:assert/strict";
import { memoryContextPair } from "../testing/mpc_pair.ts";
import { loadCsv } from "../data/csv.ts";
import { generateBlobs } from "../data/synthetic.ts";
import { encodeFixedPoint, kmeansFixed } from "../kmeans/fixed_reference.ts";
import {
  fixedKmeansPlusPlus,
  type KmeansPlusPlusDraws,
  kmeansPlusPlusDraws,
} from "../kmeans/init.ts";
import { kmeansPlusPlusPlan, secureKmeansPlusPlus } from "../kmeans/secure/init.ts";
import { jointLayout, type Partition } from "../kmeans/secure/layout.ts";
import { secureKmeans } from "../kmeans/secure/lloyd.ts";
import type { SecureKmeansOptions } from "../kmeans/secure/options.ts";
import type { DistanceForm } from "../kmeans/secure/assign.ts";
import type { MpcContext } from "../protocol/context.ts";

Deno.test("fixed k-means++ reference picks the rows computed by hand", () => {
  // 1-D points 0, 1, 3, 6 at scale 2^0, first row 0: weights 0, 1, 9, 36, S = 0, 1, 10, 46.
  const points = BigInt64Array.from([0n, 1n, 3n, 6n]);
  const pick = (u: bigint) =>
    fixedKmeansPlusPlus(points, 4, 1, 2, { first: 0, thresholds: [u] }, 2, 0)[1];
  assert.equal(pick(0n), 1); // 4·S_i > 0: first S_i > 0 is row 1
  assert.equal(pick(1n), 3); // 4·S_i > 46: S_i > 11.5 only at row 3
  // 3 centres, u = 0 then u = 3: after rows 0, 1 the weights are 0, 0, 4, 9 (T = 13);
  // 4·S_i > 39 needs S_i > 9.75: row 3 (S = 13).
  assert.deepEqual(
    fixedKmeansPlusPlus(points, 4, 1, 3, { first: 0, thresholds: [0n, 3n] }, 2, 0),
    [0, 1, 3],
  );
  // Truncation by 2^2: weights floor(d²/4) = 0, 0, 2, 9; u = 1 → 4·S_i > 11: row 3.
  assert.equal(fixedKmeansPlusPlus(points, 4, 1, 2, { first: 0, thresholds: [1n] }, 2, 2)[1], 3);
  // All rows identical: T = 0, the last row is taken.
  const same = BigInt64Array.from([5n, 5n, 5n]);
  assert.deepEqual(fixedKmeansPlusPlus(same, 3, 1, 3, { first: 1, thresholds: [0n, 2n] }, 2, 0), [
    1,
    2,
    2,
  ]);
});

Deno.test("k-means++ draws are reproducible from the seed and in range", () => {
  const a = kmeansPlusPlusDraws(9, 200, 5, 24);
  assert.deepEqual(a, kmeansPlusPlusDraws(9, 200, 5, 24));
  assert.notDeepEqual(a, kmeansPlusPlusDraws(10, 200, 5, 24));
  assert.ok(a.first >= 0 && a.first < 200);
  assert.equal(a.thresholds.length, 4);
  for (const u of a.thresholds) assert.ok(u >= 0n && u < 1n << 24n);
});

Deno.test("kmeans++ plan keeps the selection comparison inside 64 bits", () => {
  const plan = kmeansPlusPlusPlan(200, 2, 16, 12);
  // E = 2·28 + 3 = 59, L = 8, w = 24: s = 24 + 8 + 59 − 63 = 28.
  assert.equal(plan.truncationBits, 28);
  assert.equal(plan.selectionBits, 64);
  assert.equal(plan.minimumBits, 32);
  assert.equal(kmeansPlusPlusPlan(4, 1, 4, 4).truncationBits, 0);
  assert.throws(() => kmeansPlusPlusPlan(1 << 20, 64, 16, 14), /kmeans\+\+/);
});

/** This party's block of `data` (scale 2^f) and the layout, as in kmeans/secure_harness.ts. */
function splitData(
  data: { rows: Float64Array; n: number; d: number },
  partition: Partition,
  split: number,
) {
  const { n, d } = data;
  const encoded = encodeFixedPoint(data.rows, 16);
  const ring = new BigUint64Array(encoded.buffer);
  if (partition === "horizontal") {
    return {
      encoded,
      parts: [ring.slice(0, split * d), ring.slice(split * d)],
      layout: jointLayout("horizontal", [{ rows: split, cols: d }, { rows: n - split, cols: d }]),
    };
  }
  const parts = [[0, split], [split, d]].map(([from, to]) => {
    const part = new BigUint64Array(n * (to - from));
    for (let i = 0; i < n; i++) {
      for (let t = from; t < to; t++) part[i * (to - from) + t - from] = ring[i * d + t];
    }
    return part;
  });
  return {
    encoded,
    parts,
    layout: jointLayout("vertical", [{ rows: n, cols: split }, { rows: n, cols: d - split }]),
  };
}

async function checkKmeansPlusPlus(
  data: { rows: Float64Array; n: number; d: number },
  partition: Partition,
  split: number,
  k: number,
  seed: number,
  distance: DistanceForm = "dot",
) {
  const { n, d } = data;
  const { encoded, parts, layout } = splitData(data, partition, split);
  const plan = kmeansPlusPlusPlan(n, d, 16, 12);
  const draws = kmeansPlusPlusDraws(seed, n, k, plan.drawBits);
  const expectedRows = fixedKmeansPlusPlus(
    encoded,
    n,
    d,
    k,
    draws,
    plan.drawBits,
    plan.truncationBits,
  );
  const contexts = await memoryContextPair(seed);
  const run = (ctx: MpcContext, p: 0 | 1) =>
    secureKmeansPlusPlus(ctx, layout, parts[p], { k, draws, plan, distance });
  const [s0, s1] = await Promise.all([run(contexts[0], 0), run(contexts[1], 1)]);
  const opened = Array.from(s0, (v, e) => BigInt.asIntN(64, v + s1[e]));
  const expected: bigint[] = [];
  for (const row of expectedRows) expected.push(...encoded.subarray(row * d, (row + 1) * d));
  assert.deepEqual(opened, expected, `initial centroids (reference rows ${expectedRows})`);
  assert.ok(new Set(expectedRows).size > 1, "the case must pick more than one distinct row");

  // The full run from these shares matches the reference from the same rows.
  const options = (initialCentroids: BigUint64Array): SecureKmeansOptions => ({
    k,
    maxIter: 8,
    tol: 1e-4,
    initialRows: [],
    initialCentroids,
    init: "kmeans++",
    reveal: "centroids",
    distance,
    revealInertia: false,
    revealFinalSizes: false,
    fractionalBits: 16,
    valueBits: 12,
  });
  const [a, b] = await Promise.all([
    secureKmeans(contexts[0], layout, parts[0], options(s0)),
    secureKmeans(contexts[1], layout, parts[1], options(s1)),
  ]);
  contexts[0].channel.close();
  const reference = kmeansFixed(data, {
    k,
    maxIter: 8,
    tol: 1e-4,
    init: { kind: "rows", rows: expectedRows },
    seed: 0,
    arithmetic: "fixed",
    fracBits: 16,
  }, expectedRows);
  assert.deepEqual(Array.from(a.fixedCentroids), Array.from(reference.fixedCentroids!));
  const labels = partition === "horizontal" ? [...a.labels, ...b.labels] : Array.from(a.labels);
  assert.deepEqual(labels, Array.from(reference.labels));
  assert.ok(a.revealed.some((line) => line.startsWith("kmeans++")));
}

const mall = await loadCsv("data/Mall_Customers.csv", {
  features: ["Annual Income (k$)", "Spending Score (1-100)"],
});

Deno.test("secure k-means++ on Mall (horizontal) equals the reference rows and run", async () => {
  await checkKmeansPlusPlus(mall, "horizontal", 100, 5, 41);
});

Deno.test("secure k-means++ on Mall (vertical) equals the reference rows and run", async () => {
  await checkKmeansPlusPlus(mall, "vertical", 1, 5, 42);
});

for (
  const [partition, distance, seed] of [["horizontal", "square", 43], [
    "vertical",
    "dot",
    44,
  ]] as const
) {
  Deno.test(`secure k-means++ on synthetic blobs (${partition}, ${distance}) equals the reference`, async () => {
    const blobs = generateBlobs({ n: 240, d: 3, k: 4, seed, box: 50, spread: 3 });
    const data = { rows: blobs.rows, n: 240, d: 3 };
    await checkKmeansPlusPlus(
      data,
      partition,
      partition === "horizontal" ? 90 : 1,
      4,
      seed,
      distance,
    );
  });
}

Deno.test("secure k-means++ with all rows equal takes the last row (T = 0)", async () => {
  const data = { rows: new Float64Array(12).fill(2.5), n: 6, d: 2 };
  const { encoded, parts, layout } = splitData(data, "horizontal", 3);
  const plan = kmeansPlusPlusPlan(6, 2, 16, 12);
  const draws: KmeansPlusPlusDraws = { first: 1, thresholds: [5n, 1n << 23n] };
  assert.deepEqual(fixedKmeansPlusPlus(encoded, 6, 2, 3, draws, 24, plan.truncationBits), [
    1,
    5,
    5,
  ]);
  const contexts = await memoryContextPair(45);
  const [s0, s1] = await Promise.all(
    [0, 1].map((p) =>
      secureKmeansPlusPlus(contexts[p], layout, parts[p], { k: 3, draws, plan, distance: "dot" })
    ),
  );
  contexts[0].channel.close();
  const opened = Array.from(s0, (v, e) => BigInt.asIntN(64, v + s1[e]));
  assert.deepEqual(opened, new Array(6).fill(BigInt(2.5 * 65536)));
});
