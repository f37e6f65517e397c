/**
 * Plaintext k-means (Lloyd, "Least squares quantization in PCM", IEEE Trans. IT 1982): the
 * reference every secure result is checked against.
 *
 * Rules the secure protocol follows EXACTLY (so results can be compared like with like):
 * - Initial centroids are data rows (see `init.ts`: `rows:i,j,...`, `random`, `kmeans++`).
 * - One iteration = assignment then update. Assignment: each row goes to the centroid at the
 *   smallest distance; ties go to the LOWEST centroid index (strict `<` while scanning j).
 *   Update: each centroid becomes the mean of its rows; an EMPTY cluster keeps its previous
 *   centroid. `nIter` counts updates performed.
 * - Convergence, tested after each update: stop when max_j ||c_new_j − c_old_j||² ≤ tol²
 *   (no centroid moved more than `tol`, Euclidean, data units), or after `maxIter` updates.
 * - After the loop one more assignment gives the returned `labels` (each row's nearest final
 *   centroid, as in scikit-learn); `inertia` is Σ_i ||x_i − c_{label_i}||² for those labels.
 *
 * Arithmetic modes:
 * - `float64`: distances ||x − c||² and means in doubles.
 * - `fixed` (`fixed_reference.ts`): mimics the secure arithmetic in Z_2^64 with f fractional
 *   bits (default 16). Data x̂ = round(x·2^f) (Math.round: halves toward +∞); centroids held
 *   at scale 2^f; the argmin distance D_ij = ||ĉ_j||² − 2⟨x̂_i, ĉ_j⟩ is computed EXACTLY at
 *   scale 2^2f (||x̂_i||² is dropped, it is the same for every j), so exact ties stay exact;
 *   cluster sums Σ x̂ are exact; ĉ_j = round(sum_j / count_j) with halves toward +∞, i.e.
 *   floor((2·sum_j + count_j) / (2·count_j)); an empty cluster keeps ĉ_j; convergence when
 *   max_j ||ĉ_new_j − ĉ_old_j||² ≤ T with the integer T = floor((tol·2^f)²). Inertia is then
 *   reported in data units from x̂ and ĉ. Any intermediate that would not fit a signed 64-bit
 *   value (where the secure ring would wrap) raises an error instead.
 *
 * Security: this module computes in the clear on data the caller already holds; it is a
 * reference and a demo, not part of the two-party protocol.
 *
 * @module
 */

import { chooseInitialRows } from "./init.ts";
import {
  clusterSizes,
  type KMeansOptions,
  type KMeansResult,
  type ResolvedKMeansOptions,
  resolveOptions,
} from "./options.ts";
import { kmeansFixed } from "./fixed_reference.ts";

/** A row-major n × d matrix of doubles (a {@link import("../data/csv.ts").Dataset} fits). */
export interface Matrix {
  /** Row-major values, n·d of them. */
  rows: Float64Array;
  /** Number of rows. */
  n: number;
  /** Number of columns. */
  d: number;
}

/**
 * Assigns each row to its nearest centroid (ties: lowest index); writes `labels` and returns
 * the inertia of that assignment.
 */
export function assignFloat64(
  data: Matrix,
  centroids: Float64Array,
  k: number,
  labels: Int32Array,
): number {
  const { rows, n, d } = data;
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let j = 0; j < k; j++) {
      let distance = 0;
      for (let t = 0; t < d; t++) {
        const diff = rows[i * d + t] - centroids[j * d + t];
        distance += diff * diff;
      }
      if (distance < bestDistance) {
        bestDistance = distance;
        best = j;
      }
    }
    labels[i] = best;
    inertia += bestDistance;
  }
  return inertia;
}

/**
 * New centroids: the mean of each cluster's rows; an empty cluster keeps `previous`.
 * Returns the centroids and max_j ||new_j − previous_j||².
 */
export function updateFloat64(
  data: Matrix,
  labels: Int32Array,
  previous: Float64Array,
  k: number,
): { centroids: Float64Array; maxShiftSquared: number } {
  const { rows, n, d } = data;
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const j = labels[i];
    counts[j]++;
    for (let t = 0; t < d; t++) sums[j * d + t] += rows[i * d + t];
  }
  const centroids = new Float64Array(k * d);
  let maxShiftSquared = 0;
  for (let j = 0; j < k; j++) {
    let shift = 0;
    for (let t = 0; t < d; t++) {
      const value = counts[j] === 0 ? previous[j * d + t] : sums[j * d + t] / counts[j];
      centroids[j * d + t] = value;
      shift += (value - previous[j * d + t]) ** 2;
    }
    if (shift > maxShiftSquared) maxShiftSquared = shift;
  }
  return { centroids, maxShiftSquared };
}

/** The rows at `indices` as a k × d centroid matrix. */
export function gatherRows(data: Matrix, indices: readonly number[]): Float64Array {
  const out = new Float64Array(indices.length * data.d);
  indices.forEach((row, j) =>
    out.set(data.rows.subarray(row * data.d, (row + 1) * data.d), j * data.d)
  );
  return out;
}

/** Lloyd's algorithm in float64 from the given initial rows (options already resolved). */
export function kmeansFloat64(
  data: Matrix,
  options: ResolvedKMeansOptions,
  initialRows: number[],
): KMeansResult {
  const { k, maxIter, tol } = options;
  let centroids = gatherRows(data, initialRows);
  const labels = new Int32Array(data.n);
  const inertiaHistory: number[] = [];
  let nIter = 0;
  let converged = false;
  while (nIter < maxIter) {
    inertiaHistory.push(assignFloat64(data, centroids, k, labels));
    const update = updateFloat64(data, labels, centroids, k);
    centroids = update.centroids;
    nIter++;
    if (update.maxShiftSquared <= tol * tol) {
      converged = true;
      break;
    }
  }
  const inertia = assignFloat64(data, centroids, k, labels);
  inertiaHistory.push(inertia);
  return {
    k,
    d: data.d,
    centroids,
    labels,
    sizes: clusterSizes(labels, k),
    inertia,
    nIter,
    converged,
    inertiaHistory,
    initialRows,
    arithmetic: "float64",
  };
}

/**
 * k-means on an n × d matrix with scikit-learn-like options, in float64 or in fixed point.
 * Throws {@link import("../core/errors.ts").InputError} for invalid options.
 */
export function kmeans(data: Matrix, options: KMeansOptions): KMeansResult {
  if (data.rows.length !== data.n * data.d) {
    throw new RangeError(
      `matrix has ${data.rows.length} values, expected n·d = ${data.n * data.d}`,
    );
  }
  const resolved = resolveOptions(options, data.n);
  const initialRows = chooseInitialRows(
    data.rows,
    data.n,
    data.d,
    resolved.k,
    resolved.init,
    resolved.seed,
  );
  return resolved.arithmetic === "fixed"
    ? kmeansFixed(data, resolved, initialRows)
    : kmeansFloat64(data, resolved, initialRows);
}
