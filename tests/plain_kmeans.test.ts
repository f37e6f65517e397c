import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { InputError } from "../core/errors.ts";
import { loadCsv } from "../data/mod.ts";
import {
  assignFloat64,
  chooseInitialRows,
  encodeFixedPoint,
  fixedPointDistances,
  fixedPointLloydStep,
  gatherRows,
  kmeans,
  parseInit,
  toleranceThreshold,
} from "../kmeans/mod.ts";

const MALL = fileURLToPath(new URL("../data/Mall_Customers.csv", import.meta.url));
const MALL_FEATURES = ["Annual Income (k$)", "Spending Score (1-100)"];
const MALL_INIT = "rows:0,40,80,120,160";

function matrix(values: number[], d: number) {
  return { rows: Float64Array.from(values), n: values.length / d, d };
}

Deno.test("1-D hand example: 4 points, k = 2, converges in 3 updates", () => {
  // Update 1 from c = (0, 1): {0} and {1, 10, 11} -> c = (0, 22/3).
  // Update 2: 1 is nearer 0 -> {0, 1}, {10, 11} -> c = (0.5, 10.5). Update 3: no change.
  for (const arithmetic of ["float64", "fixed"] as const) {
    const result = kmeans(matrix([0, 1, 10, 11], 1), {
      k: 2,
      init: "rows:0,1",
      arithmetic,
      tol: 0,
    });
    assert.deepEqual(Array.from(result.centroids), [0.5, 10.5], arithmetic);
    assert.deepEqual(Array.from(result.labels), [0, 0, 1, 1]);
    assert.deepEqual(Array.from(result.sizes), [2, 2]);
    assert.equal(result.nIter, 3);
    assert.equal(result.converged, true);
    assert.equal(result.inertia, 1);
  }
});

Deno.test("an exact tie goes to the lowest centroid index", () => {
  // 1 is at distance 1 from both 0 and 2.
  for (const arithmetic of ["float64", "fixed"] as const) {
    const result = kmeans(matrix([0, 2, 1], 1), { k: 2, init: "rows:0,1", arithmetic });
    assert.deepEqual(Array.from(result.labels), [0, 1, 0], arithmetic);
    assert.deepEqual(Array.from(result.centroids), [0.5, 2]);
  }
  // Reversed initial order: the tie now goes to the centroid at 2, which is index 0.
  const reversed = kmeans(matrix([0, 2, 1], 1), { k: 2, init: "rows:1,0", maxIter: 1 });
  assert.deepEqual(Array.from(reversed.centroids), [1.5, 0]);
});

Deno.test("an empty cluster keeps its previous centroid", () => {
  // Both centroids start at 0: every point ties and goes to cluster 0, cluster 1 is empty and
  // stays at 0. Update 1: c = (5/3, 0). Update 2: {5} and {0, 0} -> (5, 0). Update 3: same.
  for (const arithmetic of ["float64", "fixed"] as const) {
    const first = kmeans(matrix([0, 0, 5], 1), {
      k: 2,
      init: "rows:0,1",
      maxIter: 1,
      arithmetic,
      fracBits: 0,
    });
    const expectedFirst = arithmetic === "fixed" ? 2 : 5 / 3; // f = 0: round(5/3) = 2
    assert.deepEqual(Array.from(first.centroids), [expectedFirst, 0], arithmetic);
    const full = kmeans(matrix([0, 0, 5], 1), { k: 2, init: "rows:0,1", arithmetic });
    assert.deepEqual(Array.from(full.centroids), [5, 0], arithmetic);
    assert.deepEqual(Array.from(full.sizes), [1, 2]);
    assert.equal(full.nIter, 3);
  }
});

Deno.test("maxIter bounds the updates; tol stops early", () => {
  const data = matrix([0, 1, 10, 11], 1);
  const one = kmeans(data, { k: 2, init: "rows:0,1", maxIter: 1 });
  assert.equal(one.nIter, 1);
  assert.equal(one.converged, false);
  assert.deepEqual(Array.from(one.centroids), [0, 22 / 3]);
  // Update 2 moves the centroids by 0.5 and 22/3 - 10.5: with tol 4 the second update stops.
  const loose = kmeans(data, { k: 2, init: "rows:0,1", tol: 4 });
  assert.equal(loose.nIter, 2);
  assert.equal(loose.converged, true);
});

Deno.test("fixed-point step: exact distances and round-half-up means (f = 0)", () => {
  const points = BigInt64Array.from([1n, 2n, 10n]);
  const centroids = BigInt64Array.from([0n, 10n]);
  // D_ij = c_j² - 2 x_i c_j: c = 0 gives 0; c = 10 gives 100 - 20 x.
  assert.deepEqual(
    Array.from(fixedPointDistances(points, centroids, 3, 1, 2)),
    [0n, 80n, 0n, 60n, 0n, -100n],
  );
  const step = fixedPointLloydStep(points, centroids, 3, 1, 2);
  assert.deepEqual(Array.from(step.labels), [0, 0, 1]);
  assert.deepEqual(Array.from(step.sizes), [2, 1]);
  assert.deepEqual(Array.from(step.centroids), [2n, 10n]); // 3/2 rounds up to 2
  assert.equal(step.maxShiftSquared, 4n);
  const negative = fixedPointLloydStep(
    BigInt64Array.from([-1n, -2n, -10n]),
    BigInt64Array.from([0n, -10n]),
    3,
    1,
    2,
  );
  assert.deepEqual(Array.from(negative.centroids), [-1n, -10n]); // -3/2 rounds up to -1
});

Deno.test("fixed-point step reads ring elements as two's complement", () => {
  const ring = new BigUint64Array(BigInt64Array.from([-3n, 4n, 5n]).buffer);
  const step = fixedPointLloydStep(ring, BigUint64Array.from([0n, 5n]), 3, 1, 2);
  assert.deepEqual(Array.from(step.labels), [0, 1, 1]);
  assert.deepEqual(Array.from(step.centroids), [-3n, 5n]); // 9/2 rounds up to 5
});

Deno.test("fixed-point tolerance threshold is floor((tol·2^f)²)", () => {
  assert.equal(toleranceThreshold(1e-4, 16), 42n); // 6.5536² = 42.95
  assert.equal(toleranceThreshold(0, 16), 0n);
  assert.equal(toleranceThreshold(1, 2), 16n);
});

Deno.test("fixed point refuses magnitudes that would wrap the 64-bit ring", () => {
  assert.throws(
    () => kmeans(matrix([0, 1e6, 2e6], 1), { k: 2, arithmetic: "fixed", fracBits: 40 }),
    (error: unknown) => error instanceof InputError && /overflow|does not fit/.test(error.message),
  );
});

async function mall() {
  return await loadCsv(MALL, { features: MALL_FEATURES });
}

Deno.test("Mall row 88 (58,60) ties between rows 80 (54,51) and 120 (67,56): lower index", async () => {
  const data = await mall();
  // 4² + 9² = 97 = 9² + 4²: an exact tie, centroids 2 and 3 of the default init.
  const points = encodeFixedPoint(data.rows, 16);
  const init = [0, 40, 80, 120, 160];
  const centroids = new BigInt64Array(10);
  init.forEach((row, j) => centroids.set(points.subarray(row * 2, row * 2 + 2), j * 2));
  const distances = fixedPointDistances(points, centroids, data.n, 2, 5);
  assert.equal(distances[88 * 5 + 2], distances[88 * 5 + 3]);
  assert.equal(fixedPointLloydStep(points, centroids, data.n, 2, 5).labels[88], 2);
  const labels = new Int32Array(data.n);
  assignFloat64(data, gatherRows(data, init), 5, labels);
  assert.equal(labels[88], 2);
});

/** A plain, independent Lloyd in float64 (arrays of arrays), written from the textbook. */
function textbookLloyd(points: number[][], initial: number[][], maxIter: number, tol: number) {
  let centres = initial.map((c) => [...c]);
  let labels: number[] = [];
  const nearest = (p: number[]) => {
    let best = 0;
    for (let j = 1; j < centres.length; j++) {
      const dj = centres[j].reduce((s, c, t) => s + (p[t] - c) ** 2, 0);
      const db = centres[best].reduce((s, c, t) => s + (p[t] - c) ** 2, 0);
      if (dj < db) best = j;
    }
    return best;
  };
  for (let iter = 0; iter < maxIter; iter++) {
    labels = points.map(nearest);
    const next = centres.map((c, j) => {
      const members = points.filter((_, i) => labels[i] === j);
      if (members.length === 0) return c;
      return c.map((_, t) => members.reduce((s, p) => s + p[t], 0) / members.length);
    });
    const moved = Math.max(
      ...next.map((c, j) => Math.sqrt(c.reduce((s, v, t) => s + (v - centres[j][t]) ** 2, 0))),
    );
    centres = next;
    if (moved <= tol) break;
  }
  labels = points.map(nearest);
  const sizes = centres.map((_, j) => labels.filter((l) => l === j).length);
  return { centres, labels, sizes };
}

Deno.test("Mall defaults match an independent textbook Lloyd", async () => {
  const data = await mall();
  const points = Array.from({ length: data.n }, (_, i) => [data.rows[2 * i], data.rows[2 * i + 1]]);
  const initial = [0, 40, 80, 120, 160].map((i) => points[i]);
  const expected = textbookLloyd(points, initial, 10, 1e-4);
  const result = kmeans(data, { k: 5, init: MALL_INIT, maxIter: 10, tol: 1e-4 });
  assert.deepEqual(Array.from(result.sizes), expected.sizes);
  assert.deepEqual(Array.from(result.labels), expected.labels);
  expected.centres.forEach((c, j) => {
    c.forEach((v, t) => assert.ok(Math.abs(result.centroids[j * 2 + t] - v) < 1e-9));
  });
});

Deno.test("fixed point (f = 16 and f = 20, BigInt path) agrees with float64 labels on Mall", async () => {
  const data = await mall();
  for (const init of [MALL_INIT, "random", "kmeans++"]) {
    for (const seed of [0, 1, 2]) {
      const float = kmeans(data, { k: 5, init, seed, maxIter: 50 });
      for (const fracBits of [16, 20]) {
        const fixed = kmeans(data, {
          k: 5,
          init,
          seed,
          maxIter: 50,
          arithmetic: "fixed",
          fracBits,
        });
        assert.deepEqual(fixed.labels, float.labels, `${init} seed ${seed} f ${fracBits}`);
        assert.deepEqual(fixed.sizes, float.sizes);
        for (let i = 0; i < 10; i++) {
          assert.ok(Math.abs(fixed.centroids[i] - float.centroids[i]) < 2 ** -fracBits);
        }
      }
    }
  }
});

Deno.test("property: inertia never increases and every label is the nearest centroid", () => {
  const dataset = fc.integer({ min: 1, max: 3 }).chain((d) =>
    fc.record({
      d: fc.constant(d),
      values: fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 6 * d, maxLength: 40 * d })
        .map((v) => v.slice(0, v.length - (v.length % d))),
      k: fc.integer({ min: 1, max: 5 }),
      seed: fc.nat(1000),
      init: fc.constantFrom("random", "kmeans++"),
      arithmetic: fc.constantFrom("float64" as const, "fixed" as const),
    })
  );
  fc.assert(
    fc.property(dataset, ({ d, values, k, seed, init, arithmetic }) => {
      const data = matrix(values, d);
      const result = kmeans(data, { k, seed, init, arithmetic, maxIter: 30, fracBits: 8 });
      if (arithmetic === "float64") {
        for (let t = 1; t < result.inertiaHistory.length; t++) {
          assert.ok(result.inertiaHistory[t] <= result.inertiaHistory[t - 1] * (1 + 1e-12));
        }
      }
      for (let i = 0; i < data.n; i++) {
        const distances = Array.from({ length: k }, (_, j) => {
          let s = 0;
          for (let t = 0; t < d; t++) {
            s += (data.rows[i * d + t] - result.centroids[j * d + t]) ** 2;
          }
          return s;
        });
        assert.equal(result.labels[i], distances.indexOf(Math.min(...distances)));
      }
      assert.equal(result.sizes.reduce((a, b) => a + b, 0), data.n);
    }),
    { numRuns: 150 },
  );
});

Deno.test("a fixed seed reproduces random and kmeans++ results", async () => {
  const data = await mall();
  for (const init of ["random", "kmeans++"]) {
    const a = kmeans(data, { k: 6, init, seed: 42 });
    const b = kmeans(data, { k: 6, init, seed: 42 });
    assert.deepEqual(a.initialRows, b.initialRows);
    assert.deepEqual(a.centroids, b.centroids);
    assert.deepEqual(a.labels, b.labels);
  }
  const seeds = new Set(
    [0, 1, 2, 3, 4].map((seed) =>
      chooseInitialRows(data.rows, 200, 2, 5, parseInit("random"), seed).join()
    ),
  );
  assert.ok(seeds.size > 1, "different seeds should (almost surely) choose different rows");
});

Deno.test("random and kmeans++ choose k distinct rows, even on duplicate data", () => {
  const same = new Float64Array(12).fill(3); // 6 identical 2-D points
  for (const kind of ["random", "kmeans++"]) {
    const rows = chooseInitialRows(same, 6, 2, 6, parseInit(kind), 7);
    assert.deepEqual([...rows].sort(), [0, 1, 2, 3, 4, 5]);
  }
});

Deno.test("kmeans++ never picks a point that coincides with a chosen centre while others remain", () => {
  // Two far-apart points and many copies of the origin: with k = 2 the second pick has
  // probability 0 of being another origin copy once the first pick is an origin copy.
  const values = [...new Array(20).fill(0), 100, 100];
  for (let seed = 0; seed < 20; seed++) {
    const rows = chooseInitialRows(
      Float64Array.from(values),
      11,
      2,
      2,
      parseInit("kmeans++"),
      seed,
    );
    const coords = rows.map((r) => values[2 * r]);
    assert.notEqual(coords[0], coords[1], `seed ${seed}: ${rows}`);
  }
});

Deno.test("init specs are parsed and validated", () => {
  assert.deepEqual(parseInit("rows:3, 1,2"), { kind: "rows", rows: [3, 1, 2] });
  assert.deepEqual(parseInit("k-means++"), { kind: "kmeans++" });
  for (const bad of ["rows:", "rows:1,-2", "rows:a", "first", ""]) {
    assert.throws(() => parseInit(bad), InputError, bad);
  }
  const data = matrix([0, 1, 2, 3], 1);
  assert.throws(() => kmeans(data, { k: 2, init: "rows:0,4" }), /out of range/);
  assert.throws(() => kmeans(data, { k: 2, init: "rows:1,1" }), /twice/);
  assert.throws(() => kmeans(data, { k: 3, init: "rows:0,1" }), /k = 3/);
  assert.throws(() => kmeans(data, { k: 5 }), /at least 5/);
  assert.throws(() => kmeans(data, { k: 2, maxIter: 0 }), InputError);
  assert.throws(() => kmeans(data, { k: 2, tol: -1 }), InputError);
});
