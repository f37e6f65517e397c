/**
 * The k-means job over an in-memory channel: the vertical ID join (B's rows in another order,
 * missing IDs), the JSON result shape, and the elbow sweep, against the plaintext reference.
 */
import assert from "node:assert/strict";
import { memoryChannelPair } from "../party/memory_channel.ts";
import type { JobContext } from "../jobs/job.ts";
import type {
  KmeansElbowResult,
  KmeansPartyResult,
  KmeansRunResult,
} from "../jobs/kmeans/result.ts";
import { testSeed } from "../testing/mpc_pair.ts";
import { type KmeansJobInput, parseKmeansParams, runKmeansJob } from "../jobs/kmeans/job.ts";
import { encodeFixedPoint, kmeansFixed } from "../kmeans/fixed_reference.ts";
import { loadCsv } from "../data/csv.ts";
import { InputError } from "../core/errors.ts";

function input(rows: number[][], ids?: string[], names = ["x"]): KmeansJobInput {
  const flat = Float64Array.from(rows.flat());
  const encoded = encodeFixedPoint(flat, 16);
  return {
    own: new BigUint64Array(encoded.buffer),
    rows: rows.length,
    cols: rows[0].length,
    ids,
    featureNames: names,
  };
}

async function runPair(
  values: Record<string, string | boolean | undefined>,
  inputs: [KmeansJobInput, KmeansJobInput],
): Promise<[KmeansPartyResult, KmeansPartyResult]> {
  const [c0, c1] = memoryChannelPair();
  const params = parseKmeansParams(values);
  const jobContext = (role: 0 | 1, channel: typeof c0): JobContext => ({
    channel,
    role,
    sessionId: testSeed(1, 9),
    jointSeed: testSeed(1, 8),
    privateSeed: testSeed(1, role),
    peerFacts: {
      rows: inputs[1 - role].rows,
      cols: inputs[1 - role].cols,
      featureNames: inputs[1 - role].featureNames,
    },
    log: () => {},
  });
  try {
    return await Promise.all([
      runKmeansJob(jobContext(0, c0), params, inputs[0]),
      runKmeansJob(jobContext(1, c1), params, inputs[1]),
    ]);
  } finally {
    c0.close();
  }
}

const mall = await loadCsv("data/Mall_Customers.csv", {
  features: ["Annual Income (k$)", "Spending Score (1-100)"],
  id: "CustomerID",
});

Deno.test("vertical job joins on IDs even if B's file is shuffled; labels in each own order", async () => {
  const income = Array.from({ length: mall.n }, (_, i) => [mall.rows[2 * i]]);
  const score = Array.from({ length: mall.n }, (_, i) => [mall.rows[2 * i + 1]]);
  // Party B's rows in reverse order.
  const order = Array.from({ length: mall.n }, (_, i) => mall.n - 1 - i);
  const [a, b] = await runPair(
    { partition: "vertical", k: "5", init: "rows:0,40,80,120,160", "reveal-final-sizes": true },
    [
      input(income, mall.ids, ["Annual Income (k$)"]),
      input(order.map((i) => score[i]), order.map((i) => mall.ids![i]), ["Spending Score (1-100)"]),
    ],
  );
  const reference = kmeansFixed(mall, {
    k: 5,
    maxIter: 10,
    tol: 1e-4,
    init: { kind: "rows", rows: [0, 40, 80, 120, 160] },
    seed: 0,
    arithmetic: "fixed",
    fracBits: 16,
  }, [0, 40, 80, 120, 160]);
  const ra = a as KmeansRunResult;
  const rb = b as KmeansRunResult;
  assert.deepEqual(ra.labels, Array.from(reference.labels));
  // Each party's labels are in its own file order (B's file is reversed).
  assert.deepEqual(rb.labels, order.map((i) => reference.labels[i]));
  assert.deepEqual(
    ra.centroids,
    Array.from({ length: 5 }, (_, j) => [
      reference.centroids[2 * j],
      reference.centroids[2 * j + 1],
    ]),
  );
  assert.deepEqual(ra.sizes, Array.from(reference.sizes));
  assert.deepEqual(ra.featureNames, ["Annual Income (k$)", "Spending Score (1-100)"]);
  assert.equal(ra.nIter, reference.nIter);
  const stats = ra.stats as unknown as Record<string, number>;
  for (const key of ["seconds", "offlineSeconds", "onlineSeconds", "bytesSent", "rounds"]) {
    assert.equal(typeof stats[key], "number", key);
  }
  assert.ok(Array.isArray(ra.revealed));
});

Deno.test("vertical job fails with the number of unmatched IDs on each side", async () => {
  const rows = [[1], [2], [3], [4]];
  await assert.rejects(
    runPair(
      { partition: "vertical", k: "2", init: "rows:0,1" },
      [input(rows, ["a", "b", "c", "d"]), input(rows, ["a", "b", "c", "e"])],
    ),
    (error: Error) =>
      error instanceof InputError &&
      /1 ID\(s\) of party A .* 1 ID\(s\) of party B/.test(error.message),
  );
});

Deno.test("elbow sweep reveals one inertia per k, equal to the reference", async () => {
  const data = [[0, 0], [0, 1], [10, 10], [10, 11], [20, 0], [21, 0], [5, 5], [6, 5]];
  const [a] = await runPair(
    { k: "1..3", init: "rows:0,2,4", "max-iter": "10" },
    [input(data.slice(0, 3), undefined, ["x", "y"]), input(data.slice(3), undefined, ["x", "y"])],
  );
  const sweep = (a as KmeansElbowResult).elbow;
  assert.equal(sweep.length, 3);
  const matrix = { rows: Float64Array.from(data.flat()), n: 8, d: 2 };
  for (const { k, inertia } of sweep) {
    const rows = [0, 2, 4].slice(0, k);
    const reference = kmeansFixed(matrix, {
      k,
      maxIter: 10,
      tol: 1e-4,
      init: { kind: "rows", rows },
      seed: 0,
      arithmetic: "fixed",
      fracBits: 16,
    }, rows);
    assert.ok(Math.abs(inertia - reference.inertia) < 1e-6, `k = ${k}`);
  }
});
