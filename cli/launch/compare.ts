/**
 * The secure k-means result next to the plaintext reference: differing labels, the largest
 * centroid error and a printable side-by-side table.
 *
 * Sizes and inertia of the secure run are computed here from the parties' outputs (labels
 * and centroids) and the data, which the launcher holds anyway: no extra value is opened.
 *
 * @module
 */

import type { KMeansResult } from "../../kmeans/options.ts";
import type { Partition } from "../../kmeans/secure/layout.ts";
import type { KmeansRunResult } from "../../jobs/kmeans/result.ts";
import type { JointMatrix } from "./reference.ts";

/** Decimals of the coordinates in the table. */
const TABLE_DECIMALS = 4;

/** Sizes and inertia of an assignment, in data units. */
export function sizesAndInertia(
  matrix: JointMatrix,
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

/** The reference's k × d centroids as rows. */
export function centroidRows(reference: KMeansResult, k: number, d: number): number[][] {
  return Array.from(
    { length: k },
    (_, j) => Array.from(reference.centroids.subarray(j * d, (j + 1) * d)),
  );
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

/** Options of {@link compareWithReference}. */
export interface CompareOptions {
  /** How the joint data is split between the parties. */
  partition: Partition;
  /** The joint data. */
  matrix: JointMatrix;
  /** Party A's and party B's results. */
  results: readonly [KmeansRunResult, KmeansRunResult];
  /** The plaintext reference. */
  reference: KMeansResult;
}

function formatVector(values: readonly number[]): string {
  return "(" + values.map((v) => v.toFixed(TABLE_DECIMALS)).join(", ") + ")";
}

/** Compares both parties' results with the reference and renders the table. */
export function compareWithReference(options: CompareOptions): LaunchComparison {
  const { partition, matrix, reference } = options;
  const [a, b] = options.results;
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
  const refCentroids = centroidRows(reference, k, d);
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
    `inertia: secure ${secure.inertia.toFixed(TABLE_DECIMALS)}, ` +
      `reference ${reference.inertia.toFixed(TABLE_DECIMALS)}`,
    `iterations: secure ${a.nIter}, reference ${reference.nIter}`,
    `differing labels: ${differingLabels} of ${matrix.n}; max centroid error ` +
      `${maxCentroidError} (data units)`,
  );
  return { labels, differingLabels, maxCentroidError, table: lines.join("\n") };
}
