import assert from "node:assert/strict";
import { memoryContextPair } from "./support.ts";
import { runSplitInMemory } from "../kmeans/secure_harness.ts";
import { kmeansFixed } from "../kmeans/fixed_reference.ts";
import type { SecureKmeansOptions } from "../kmeans/secure_lloyd.ts";
import { loadCsv } from "../data/csv.ts";

function baseOptions(k: number, rows: number[]): SecureKmeansOptions {
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
  };
}

Deno.test("secure k-means on Mall (horizontal) equals the fixed-point reference", async () => {
  const data = await loadCsv("data/Mall_Customers.csv", {
    features: ["Annual Income (k$)", "Spending Score (1-100)"],
  });
  const options = baseOptions(5, [0, 40, 80, 120, 160]);
  const contexts = await memoryContextPair(3);
  const t0 = performance.now();
  const [a, b] = await runSplitInMemory(contexts, data, "horizontal", 100, options);
  console.log(
    "secure run",
    (performance.now() - t0).toFixed(0),
    "ms",
    contexts[0].channel.stats.total,
  );
  const reference = kmeansFixed(data, {
    k: 5,
    maxIter: 10,
    tol: 1e-4,
    init: { kind: "rows", rows: [0, 40, 80, 120, 160] },
    seed: 0,
    arithmetic: "fixed",
    fracBits: 16,
  }, [0, 40, 80, 120, 160]);
  assert.deepEqual(Array.from(a.fixedCentroids), Array.from(reference.fixedCentroids!));
  assert.deepEqual(Array.from(b.fixedCentroids), Array.from(reference.fixedCentroids!));
  assert.deepEqual([...a.labels, ...b.labels], Array.from(reference.labels));
  assert.equal(a.nIter, reference.nIter);
  assert.deepEqual(a.sizes, Array.from(reference.sizes));
  assert.ok(Math.abs(a.inertia! - reference.inertia) < 1e-6 * reference.inertia);
});
