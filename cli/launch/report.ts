/**
 * The launcher's view of a secure k-means run (issue 7, `deno task launch`): it holds both
 * parties' files (it runs both parties on one machine), so it can rebuild the joint matrix,
 * run the plaintext fixed-point reference from the same initial rows, and print the secure
 * and reference results side by side with the number of differing labels.
 *
 * Sizes and inertia of the secure run are computed here from the parties' outputs (labels
 * and centroids) and the data, which the launcher holds anyway: no extra value is opened.
 *
 * Security: runs outside the protocol, with both inputs, by construction.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import type { Dataset } from "../../data/csv.ts";
import { encodeFixedPoint, kmeansFixed } from "../../kmeans/fixed_reference.ts";
import { fixedKmeansPlusPlus, kmeansPlusPlusDraws } from "../../kmeans/init.ts";
import { kmeansPlusPlusPlan } from "../../kmeans/secure/init.ts";
import type { KMeansResult } from "../../kmeans/options.ts";
import type { Partition } from "../../kmeans/secure/layout.ts";

/** The parts of a party's JSON result the launcher uses. */
export interface PartyKmeansResult {
  /** k × d centroids. */
  centroids: number[][];
  /** Labels (own rows, or joined rows when vertical). */
  labels: number[];
  /** Updates performed. */
  nIter: number;
  /** Joint initial rows (empty for kmeans++, whose rows stay secret). */
  initialRows: number[];
  /** The public init seed (random, kmeans++). */
  initSeed?: number;
  /** kmeans++, vertical: this party's joined-position → own-file-row map. */
  joinedOrder?: number[];
  /** kmeans++: seconds of the secure initialisation. */
  initSeconds?: number;
  /** Revealed values. */
  revealed: string[];
  /** Statistics. */
  stats: {
    seconds: number;
    offlineSeconds: number;
    onlineSeconds: number;
    bytesSent: number;
    bytesReceived: number;
    rounds: number;
    byPhase: Record<string, unknown>;
  };
}

/** The joint matrix as the protocol sees it (A's rows then B's, or joined in A's order). */
export function jointMatrix(
  partition: Partition,
  a: Dataset,
  b: Dataset,
): { rows: Float64Array; n: number; d: number } {
  if (partition === "horizontal") {
    if (a.d !== b.d) throw new InputError(`the two files select ${a.d} and ${b.d} features`);
    const rows = new Float64Array((a.n + b.n) * a.d);
    rows.set(a.rows);
    rows.set(b.rows, a.n * a.d);
    return { rows, n: a.n + b.n, d: a.d };
  }
  if (!a.ids || !b.ids) throw new InputError("the vertical partition needs --id");
  const index = new Map(b.ids.map((id, i) => [id, i]));
  const d = a.d + b.d;
  const rows = new Float64Array(a.n * d);
  for (let i = 0; i < a.n; i++) {
    const j = index.get(a.ids[i]);
    if (j === undefined) throw new InputError(`ID ${a.ids[i]} of party A is missing at party B`);
    rows.set(a.rows.subarray(i * a.d, (i + 1) * a.d), i * d);
    rows.set(b.rows.subarray(j * b.d, (j + 1) * b.d), i * d + a.d);
  }
  return { rows, n: a.n, d };
}

/** The fixed-point reference from the secure run's initial rows. */
export function referenceRun(
  matrix: { rows: Float64Array; n: number; d: number },
  k: number,
  maxIter: number,
  tol: number,
  fracBits: number,
  initialRows: number[],
): KMeansResult {
  return kmeansFixed(matrix, {
    k,
    maxIter,
    tol,
    init: { kind: "rows", rows: initialRows },
    seed: 0,
    arithmetic: "fixed",
    fracBits,
  }, initialRows);
}

/**
 * The rows (in `matrix` order) that secure kmeans++ chose, replayed by the fixed-point
 * reference from the public seed: the D² prefix sums run in the protocol's row order, which
 * for the vertical join is party A's `joinedOrder` (joined position → A's file row).
 */
export function kmeansPlusPlusReferenceRows(
  matrix: { rows: Float64Array; n: number; d: number },
  k: number,
  fracBits: number,
  valueBits: number,
  initSeed: number,
  joinedOrder?: readonly number[],
): number[] {
  const { n, d } = matrix;
  const order = joinedOrder ?? Array.from({ length: n }, (_, i) => i);
  if (order.length !== n) throw new Error(`joined order lists ${order.length} of ${n} rows`);
  const joined = new Float64Array(n * d);
  order.forEach((row, p) => joined.set(matrix.rows.subarray(row * d, (row + 1) * d), p * d));
  const plan = kmeansPlusPlusPlan(n, d, fracBits, valueBits);
  const draws = kmeansPlusPlusDraws(initSeed, n, k, plan.drawBits);
  const encoded = encodeFixedPoint(joined, fracBits);
  return fixedKmeansPlusPlus(encoded, n, d, k, draws, plan.drawBits, plan.truncationBits)
    .map((p) => order[p]);
}

/** Sizes and inertia of an assignment, in data units. */
export function sizesAndInertia(
  matrix: { rows: Float64Array; n: number; d: number },
  centroids: readonly (readonly number[])[],
  labels: readonly number[],
): { sizes: number[]; inertia: number } {
  const sizes = new Array(centroids.length).fill(0);
  let inertia = 0;
  for (let i = 0; i < matrix.n; i++) {
    const c = centroids[labels[i]];
    sizes[labels[i]]++;
    for (let t = 0; t < matrix.d; t++) inertia += (matrix.rows[i * matrix.d + t] - c[t]) ** 2;
  }
  return { sizes, inertia };
}

/** Comparison of the secure run with the reference. */
export interface LaunchComparison {
  /** Joint labels of the secure run (A's then B's rows, or joined rows). */
  labels: number[];
  /** Number of joint rows whose labels differ. */
  differingLabels: number;
  /** Largest |secure − reference| centroid coordinate, data units. */
  maxCentroidError: number;
  /** The printable side-by-side table. */
  table: string;
}

function formatVector(values: readonly number[]): string {
  return "(" + values.map((v) => v.toFixed(4)).join(", ") + ")";
}

/** Compares both parties' results with the reference and renders the table. */
export function compareWithReference(
  partition: Partition,
  matrix: { rows: Float64Array; n: number; d: number },
  a: PartyKmeansResult,
  b: PartyKmeansResult,
  reference: KMeansResult,
): LaunchComparison {
  const labels = partition === "horizontal" ? [...a.labels, ...b.labels] : a.labels;
  if (labels.length !== matrix.n) {
    throw new Error(`parties returned ${labels.length} labels for ${matrix.n} rows`);
  }
  let differingLabels = 0;
  for (let i = 0; i < matrix.n; i++) if (labels[i] !== reference.labels[i]) differingLabels++;
  const k = a.centroids.length;
  const d = matrix.d;
  let maxCentroidError = 0;
  for (let j = 0; j < k; j++) {
    for (let t = 0; t < d; t++) {
      const error = Math.abs(a.centroids[j][t] - reference.centroids[j * d + t]);
      if (error > maxCentroidError) maxCentroidError = error;
    }
  }
  const secure = sizesAndInertia(matrix, a.centroids, labels);
  const refCentroids = Array.from(
    { length: k },
    (_, j) => Array.from(reference.centroids.subarray(j * d, (j + 1) * d)),
  );
  const rows = [["cluster", "secure centroid", "reference centroid", "secure size", "ref size"]];
  for (let j = 0; j < k; j++) {
    rows.push([
      String(j),
      formatVector(a.centroids[j]),
      formatVector(refCentroids[j]),
      String(secure.sizes[j]),
      String(reference.sizes[j]),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  lines.push(
    `inertia: secure ${secure.inertia.toFixed(4)}, reference ${reference.inertia.toFixed(4)}`,
    `iterations: secure ${a.nIter}, reference ${reference.nIter}`,
    `differing labels: ${differingLabels} of ${matrix.n}; max centroid error ` +
      `${maxCentroidError} (data units)`,
  );
  return { labels, differingLabels, maxCentroidError, table: lines.join("\n") };
}
