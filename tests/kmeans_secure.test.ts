/**
 * Secure k-means against the plaintext fixed-point reference (kmeans/fixed_reference.ts):
 * labels, centroids (bit for bit, since the protocol is exact), sizes, inertia and the number
 * of updates, on Mall Customers and synthetic blobs, both partitions and both reveal modes.
 */
import assert from "node:assert/strict";
import { memoryContextPair } from "../testing/mpc_pair.ts";
import { runSplitInMemory } from "../testing/secure_kmeans.ts";
import { kmeansFixed } from "../kmeans/fixed_reference.ts";
import type { SecureKmeansOptions } from "../kmeans/secure/options.ts";
import type { Partition, SecureBounds } from "../kmeans/secure/layout.ts";
import { inertiaMayWrap } from "../kmeans/secure/inertia.ts";
import { loadCsv } from "../data/csv.ts";
import { generateBlobs } from "../data/synthetic.ts";

const MALL_FEATURES = ["Annual Income (k$)", "Spending Score (1-100)"];

function options(k: number, rows: number[], extra: Partial<SecureKmeansOptions> = {}) {
  return {
    k,
    maxIter: 10,
    tol: 1e-4,
    initialRows: rows,
    reveal: "centroids",
    distance: "dot",
    revealInertia: true,
    revealFinalSizes: true,
    fractionalBits: 16,
    valueBits: 12,
    ...extra,
  } as SecureKmeansOptions;
}

/** Runs both parties and asserts equality with the fixed-point reference. */
async function checkAgainstReference(
  data: { rows: Float64Array; n: number; d: number },
  partition: Partition,
  split: number,
  opts: SecureKmeansOptions,
  seed: number,
) {
  const contexts = await memoryContextPair(seed);
  const [a, b] = await runSplitInMemory(contexts, data, partition, split, opts);
  const reference = kmeansFixed(data, {
    k: opts.k,
    maxIter: opts.maxIter,
    tol: opts.tol,
    init: { kind: "rows", rows: opts.initialRows },
    seed: 0,
    arithmetic: "fixed",
    fracBits: opts.fractionalBits,
  }, [...opts.initialRows]);
  const expected = Array.from(reference.fixedCentroids!);
  assert.deepEqual(Array.from(a.fixedCentroids), expected, "party A centroids");
  assert.deepEqual(Array.from(b.fixedCentroids), expected, "party B centroids");
  if (partition === "horizontal") {
    assert.deepEqual([...a.labels, ...b.labels], Array.from(reference.labels));
  } else {
    assert.deepEqual(Array.from(a.labels), Array.from(reference.labels));
    assert.deepEqual(Array.from(b.labels), Array.from(reference.labels));
  }
  assert.equal(a.nIter, reference.nIter);
  assert.equal(a.converged, reference.converged);
  if (opts.revealFinalSizes) assert.deepEqual(a.sizes, Array.from(reference.sizes));
  if (opts.revealInertia) {
    assert.ok(Math.abs(a.inertia! - reference.inertia) <= 1e-9 * (1 + reference.inertia));
  }
  contexts[0].channel.close();
}

const mall = await loadCsv("data/Mall_Customers.csv", { features: MALL_FEATURES });
const MALL_INIT = [0, 40, 80, 120, 160];

Deno.test("Mall horizontal demo (exact tie in iteration 1) matches the reference", async () => {
  await checkAgainstReference(mall, "horizontal", 100, options(5, MALL_INIT), 3);
});

Deno.test("Mall vertical split (income | score) matches the reference", async () => {
  await checkAgainstReference(mall, "vertical", 1, options(5, MALL_INIT), 4);
});

Deno.test("reveal sizes mode divides by public counts and matches the reference", async () => {
  await checkAgainstReference(
    mall,
    "horizontal",
    100,
    options(5, MALL_INIT, { reveal: "sizes" }),
    5,
  );
});

Deno.test("square distance form gives the same result as the reference", async () => {
  const small = { rows: mall.rows.slice(0, 120), n: 60, d: 2 };
  await checkAgainstReference(
    small,
    "horizontal",
    25,
    options(3, [0, 20, 40], { distance: "square" }),
    6,
  );
});

Deno.test("an empty cluster keeps its centroid (duplicate initial point)", async () => {
  // Rows 0 and 1 are identical, so cluster 1 loses every tie to cluster 0 and stays empty.
  const rows = Float64Array.from([1, 1, 1, 1, 5, 5, 5.5, 5, 9, 1, 9.5, 1.5]);
  const data = { rows, n: 6, d: 2 };
  for (const reveal of ["centroids", "sizes"] as const) {
    await checkAgainstReference(data, "horizontal", 2, options(3, [0, 1, 2], { reveal }), 7);
  }
});

for (
  const [k, d, n, partition, seed] of [
    [2, 1, 150, "horizontal", 11],
    [3, 3, 300, "vertical", 12],
    [8, 2, 400, "horizontal", 13],
    [5, 5, 250, "vertical", 14],
    [3, 4, 2000, "horizontal", 15],
  ] as [number, number, number, Partition, number][]
) {
  Deno.test(`synthetic blobs k=${k} d=${d} n=${n} ${partition} match the reference`, async () => {
    const blobs = generateBlobs({ n, d, k, seed, box: 50, spread: 4 });
    const data = { rows: blobs.rows, n, d };
    const init = Array.from({ length: k }, (_, j) => Math.floor((j * n) / k) + 1);
    const split = partition === "horizontal" ? Math.floor(n / 3) : Math.max(1, d >> 1);
    await checkAgainstReference(data, partition, split, options(k, init, { maxIter: 8 }), seed);
  });
}

/** Points at (±4000, ±4000) with random signs: the review's wrap-around case (n = 600, k = 1). */
function cornerPoints(n: number, seed: number): { rows: Float64Array; n: number; d: number } {
  let state = seed;
  const rows = new Float64Array(n * 2);
  for (let e = 0; e < rows.length; e++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    rows[e] = (state >>> 16) % 2 === 0 ? 4000 : -4000;
  }
  return { rows, n, d: 2 };
}

/** Plaintext inertia at k = 1: Σ_i ‖x_i − mean‖² (float64; exact here, see the callers). */
function plainInertiaOneCluster(data: { rows: Float64Array; n: number; d: number }): number {
  const { rows, n, d } = data;
  let total = 0;
  for (let t = 0; t < d; t++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += rows[i * d + t];
    const mean = sum / n;
    for (let i = 0; i < n; i++) total += (rows[i * d + t] - mean) ** 2;
  }
  return total;
}

for (const [partition, distance] of [["horizontal", "dot"], ["vertical", "square"]] as const) {
  Deno.test(`inertia beyond 2^32 data units² opens exactly (n = 600 at ±4000, k = 1, ${partition}, ${distance})`, async () => {
    const data = cornerPoints(600, 17);
    const expected = plainInertiaOneCluster(data);
    assert.ok(expected > 2 ** 33, "the case must exceed the old wrap-around limit 2^32");
    // The integer mean rounds exactly at scale 2^16 here, so the plaintext value is exact.
    const opts = options(1, [0], { distance, revealFinalSizes: false });
    const contexts = await memoryContextPair(18);
    const [a, b] = await runSplitInMemory(
      contexts,
      data,
      partition,
      partition === "horizontal" ? 250 : 1,
      opts,
    );
    contexts[0].channel.close();
    assert.equal(a.inertia, b.inertia);
    assert.ok(Math.abs(a.inertia! - expected) <= 1e-6 * expected, `${a.inertia} vs ${expected}`);
    await checkAgainstReference(data, partition, partition === "horizontal" ? 250 : 1, opts, 19);
  });
}

Deno.test("elbow-style inertia-only run opens the large inertia exactly", async () => {
  const data = cornerPoints(600, 23);
  const contexts = await memoryContextPair(24);
  const [a] = await runSplitInMemory(
    contexts,
    data,
    "horizontal",
    300,
    options(1, [5], {
      inertiaOnly: true,
      revealFinalSizes: false,
    }),
  );
  contexts[0].channel.close();
  const expected = plainInertiaOneCluster(data);
  assert.ok(Math.abs(a.inertia! - expected) <= 1e-6 * expected, `${a.inertia} vs ${expected}`);
});

Deno.test("inertia within the public 2^63 bound is opened directly and matches", async () => {
  // valueBits 8: n·4d·M² = 200·8·2^48 < 2^63, the single-word path.
  const small = { rows: mall.rows.slice(0, 400), n: 200, d: 2 };
  assert.equal(
    inertiaMayWrap(200, 2, { fractionalBits: 16, valueBits: 8 } as SecureBounds),
    false,
  );
  assert.equal(
    inertiaMayWrap(200, 2, { fractionalBits: 16, valueBits: 12 } as SecureBounds),
    true,
  );
  await checkAgainstReference(
    small,
    "horizontal",
    100,
    options(5, MALL_INIT, { valueBits: 8 }),
    25,
  );
});
