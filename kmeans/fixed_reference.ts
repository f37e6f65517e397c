/**
 * Fixed-point Lloyd's algorithm that mimics the secure arithmetic step by step (the rules are
 * listed in `plain.ts`): data and centroids are signed integers at scale 2^f, distances
 * ||ĉ_j||² − 2⟨x̂_i, ĉ_j⟩ are exact at scale 2^2f, sums are exact, and a new centroid is
 * floor((2·sum + count) / (2·count)) (round to nearest, halves toward +∞).
 *
 * Exactness: every intermediate is an integer whose magnitude is bounded up front by the
 * largest |x̂| = M (centroids stay inside the data's range, since they start at rows and a
 * rounded mean of integers lies between their min and max). When 4·d·M² and 2·n·(M+1) are
 * below 2^53 the step runs in doubles, where such integers are exact; otherwise in BigInt.
 * Past 2^63 the secure Z_2^64 arithmetic would wrap, so the reference refuses that range.
 *
 * Security: plaintext reference; it sees all data by design.
 *
 * @module
 */

import { InputError } from "../core/errors.ts";
import { decodeFixed, encodeFixed, FixedPointRangeError } from "../protocol/fixed_point.ts";
import {
  clusterSizes,
  DEFAULT_FRAC_BITS,
  type KMeansResult,
  type ResolvedKMeansOptions,
} from "./options.ts";
import type { Matrix } from "./plain.ts";

/** Signed fixed-point values, or ring elements read as two's complement. */
export type FixedVector = BigInt64Array | BigUint64Array;

/** Encoded magnitudes stay below 2^62, so sums of two never overflow the signed 64-bit ring. */
const REFERENCE_MAX_BITS = 62;

function asSigned(values: FixedVector): BigInt64Array {
  return values instanceof BigInt64Array
    ? values
    : new BigInt64Array(values.buffer, values.byteOffset, values.length);
}

/**
 * Encodes doubles at scale 2^f as signed 62-bit fixed point (the secure protocol's encoding,
 * protocol/fixed_point.ts, viewed as signed); throws a one-line {@link InputError} for a value
 * that does not fit.
 */
export function encodeFixedPoint(
  values: ArrayLike<number>,
  fracBits: number = DEFAULT_FRAC_BITS,
): BigInt64Array {
  try {
    const encoded = encodeFixed(values, { fractionalBits: fracBits, maxBits: REFERENCE_MAX_BITS });
    return new BigInt64Array(encoded.buffer, encoded.byteOffset, encoded.length);
  } catch (error) {
    if (error instanceof FixedPointRangeError) throw new InputError(error.message);
    throw error;
  }
}

/** Decodes signed fixed-point values at scale 2^f into doubles. */
export function decodeFixedPoint(
  values: FixedVector,
  fracBits: number = DEFAULT_FRAC_BITS,
): Float64Array {
  const unsigned = values instanceof BigUint64Array
    ? values
    : new BigUint64Array(values.buffer, values.byteOffset, values.length);
  return decodeFixed(unsigned, fracBits);
}

/** The integer threshold T = floor((tol·2^f)²) of the fixed-point convergence test. */
export function toleranceThreshold(tol: number, fracBits: number = DEFAULT_FRAC_BITS): bigint {
  const scaled = tol * 2 ** fracBits;
  return BigInt(Math.floor(scaled * scaled));
}

function maxMagnitude(values: BigInt64Array): bigint {
  let max = 0n;
  for (const v of values) {
    const a = v < 0n ? -v : v;
    if (a > max) max = a;
  }
  return max;
}

/** Which exact representation the step can use for these magnitudes (or throws). */
function chooseRepresentation(
  points: BigInt64Array,
  centroids: BigInt64Array,
  n: number,
  d: number,
): "number" | "bigint" {
  const pm = maxMagnitude(points);
  const cm = maxMagnitude(centroids);
  const m = pm > cm ? pm : cm;
  const distanceBound = 4n * BigInt(d) * m * m;
  const sumBound = 2n * BigInt(n) * (m + 1n);
  const bound = distanceBound > sumBound ? distanceBound : sumBound;
  if (bound >= 2n ** 63n) {
    throw new InputError(
      `fixed point overflow: values up to ${m} at scale 2^f with d = ${d}, n = ${n} exceed the ` +
        `64-bit ring; use fewer fractional bits or rescale the data`,
    );
  }
  return bound < 2n ** 53n ? "number" : "bigint";
}

function checkShapes(points: FixedVector, centroids: FixedVector, n: number, d: number, k: number) {
  if (points.length !== n * d || centroids.length !== k * d) {
    throw new RangeError(`expected ${n}×${d} points and ${k}×${d} centroids`);
  }
}

/**
 * The exact n × k matrix D_ij = ||ĉ_j||² − 2⟨x̂_i, ĉ_j⟩ at scale 2^2f, row-major (BigInt; for
 * step-by-step comparison with the secure protocol, not for speed).
 */
export function fixedPointDistances(
  points: FixedVector,
  centroids: FixedVector,
  n: number,
  d: number,
  k: number,
): BigInt64Array {
  checkShapes(points, centroids, n, d, k);
  const x = asSigned(points);
  const c = asSigned(centroids);
  chooseRepresentation(x, c, n, d);
  const out = new BigInt64Array(n * k);
  for (let j = 0; j < k; j++) {
    let norm = 0n;
    for (let t = 0; t < d; t++) norm += c[j * d + t] * c[j * d + t];
    for (let i = 0; i < n; i++) {
      let dot = 0n;
      for (let t = 0; t < d; t++) dot += x[i * d + t] * c[j * d + t];
      out[i * k + j] = norm - 2n * dot;
    }
  }
  return out;
}

/** The result of one fixed-point Lloyd step. */
export interface FixedStepResult {
  /** Assignment of each row to the argmin of D_ij (ties: lowest j). */
  labels: Int32Array;
  /** Rows per cluster. */
  sizes: Int32Array;
  /** Updated k × d centroids at scale 2^f. */
  centroids: BigInt64Array;
  /** max_j ||ĉ_new_j − ĉ_old_j||² at scale 2^2f. */
  maxShiftSquared: bigint;
}

function stepNumber(
  x: Float64Array,
  c: Float64Array,
  n: number,
  d: number,
  k: number,
  labels: Int32Array,
): { centroids: Float64Array; maxShiftSquared: number } {
  const norms = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    for (let t = 0; t < d; t++) norms[j] += c[j * d + t] * c[j * d + t];
  }
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += x[i * d + t] * c[j * d + t];
      const distance = norms[j] - 2 * dot;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = j;
      }
    }
    labels[i] = best;
    counts[best]++;
    for (let t = 0; t < d; t++) sums[best * d + t] += x[i * d + t];
  }
  const next = new Float64Array(k * d);
  let maxShiftSquared = 0;
  for (let j = 0; j < k; j++) {
    let shift = 0;
    for (let t = 0; t < d; t++) {
      let value = c[j * d + t];
      if (counts[j] > 0) {
        const a = 2 * sums[j * d + t] + counts[j];
        const b = 2 * counts[j];
        value = Math.floor(a / b);
        let r = a - value * b; // exact: |value·b| ≤ 2n(M+1) < 2^53
        while (r < 0) (value--, r += b);
        while (r >= b) (value++, r -= b);
      }
      next[j * d + t] = value;
      shift += (value - c[j * d + t]) ** 2;
    }
    if (shift > maxShiftSquared) maxShiftSquared = shift;
  }
  return { centroids: next, maxShiftSquared };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

function stepBigInt(
  x: BigInt64Array,
  c: BigInt64Array,
  n: number,
  d: number,
  k: number,
  labels: Int32Array,
): { centroids: BigInt64Array; maxShiftSquared: bigint } {
  const norms: bigint[] = [];
  for (let j = 0; j < k; j++) {
    let norm = 0n;
    for (let t = 0; t < d; t++) norm += c[j * d + t] * c[j * d + t];
    norms.push(norm);
  }
  const sums: bigint[] = new Array(k * d).fill(0n);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = 0n;
    for (let j = 0; j < k; j++) {
      let dot = 0n;
      for (let t = 0; t < d; t++) dot += x[i * d + t] * c[j * d + t];
      const distance = norms[j] - 2n * dot;
      if (j === 0 || distance < bestDistance) {
        bestDistance = distance;
        best = j;
      }
    }
    labels[i] = best;
    counts[best]++;
    for (let t = 0; t < d; t++) sums[best * d + t] += x[i * d + t];
  }
  const next = new BigInt64Array(k * d);
  let maxShiftSquared = 0n;
  for (let j = 0; j < k; j++) {
    let shift = 0n;
    const count = BigInt(counts[j]);
    for (let t = 0; t < d; t++) {
      const value = counts[j] === 0
        ? c[j * d + t]
        : floorDiv(2n * sums[j * d + t] + count, 2n * count);
      next[j * d + t] = value;
      const diff = value - c[j * d + t];
      shift += diff * diff;
    }
    if (shift > maxShiftSquared) maxShiftSquared = shift;
  }
  return { centroids: next, maxShiftSquared };
}

function toNumbers(values: BigInt64Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  return out;
}

function toBigInts(values: Float64Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
}

/**
 * ONE fixed-point Lloyd step (assignment by exact D_ij, then rounded means; empty clusters
 * keep their centroid) from `centroids` (k × d, scale 2^f) over `points` (n × d, scale 2^f).
 * Ring elements (BigUint64Array) are read as two's complement.
 */
export function fixedPointLloydStep(
  points: FixedVector,
  centroids: FixedVector,
  n: number,
  d: number,
  k: number,
): FixedStepResult {
  checkShapes(points, centroids, n, d, k);
  const x = asSigned(points);
  const c = asSigned(centroids);
  const labels = new Int32Array(n);
  if (chooseRepresentation(x, c, n, d) === "number") {
    const step = stepNumber(toNumbers(x), toNumbers(c), n, d, k, labels);
    return {
      labels,
      sizes: clusterSizes(labels, k),
      centroids: toBigInts(step.centroids),
      maxShiftSquared: BigInt(step.maxShiftSquared),
    };
  }
  const step = stepBigInt(x, c, n, d, k, labels);
  return { labels, sizes: clusterSizes(labels, k), ...step };
}

/** Σ_i ||x̂_i − ĉ_{label_i}||² / 2^2f in doubles (a report value, not used for decisions). */
function fixedInertia(
  x: Float64Array,
  c: Float64Array,
  labels: Int32Array,
  d: number,
  fracBits: number,
): number {
  const scale = 2 ** fracBits;
  let inertia = 0;
  for (let i = 0; i < labels.length; i++) {
    const j = labels[i];
    for (let t = 0; t < d; t++) inertia += ((x[i * d + t] - c[j * d + t]) / scale) ** 2;
  }
  return inertia;
}

/** Lloyd's algorithm in fixed point from the given initial rows (options already resolved). */
export function kmeansFixed(
  data: Matrix,
  options: ResolvedKMeansOptions,
  initialRows: number[],
): KMeansResult {
  const { k, maxIter, tol, fracBits } = options;
  const { n, d } = data;
  const points = encodeFixedPoint(data.rows, fracBits);
  const initial = new BigInt64Array(k * d);
  initialRows.forEach((row, j) => initial.set(points.subarray(row * d, (row + 1) * d), j * d));
  // Centroids stay within the data's range, so the representation chosen now stays exact.
  const representation = chooseRepresentation(points, initial, n, d);
  const threshold = toleranceThreshold(tol, fracBits);
  const x = toNumbers(points);
  let c = toNumbers(initial);
  let cBig: BigInt64Array = initial;
  const step = (labels: Int32Array): bigint => {
    if (representation === "number") {
      const result = stepNumber(x, c, n, d, k, labels);
      c = result.centroids;
      return BigInt(result.maxShiftSquared);
    }
    const result = stepBigInt(points, cBig, n, d, k, labels);
    cBig = result.centroids;
    c = toNumbers(cBig);
    return result.maxShiftSquared;
  };
  const inertiaHistory: number[] = [];
  const labels = new Int32Array(n);
  let nIter = 0;
  let converged = false;
  while (nIter < maxIter) {
    const before = c;
    const shift = step(labels);
    inertiaHistory.push(fixedInertia(x, before, labels, d, fracBits));
    nIter++;
    if (shift <= threshold) {
      converged = true;
      break;
    }
  }
  // Final assignment: one more step's labels; its update is discarded.
  const final = c;
  const finalBig = representation === "number" ? toBigInts(c) : cBig;
  step(labels);
  const inertia = fixedInertia(x, final, labels, d, fracBits);
  inertiaHistory.push(inertia);
  return {
    k,
    d,
    centroids: decodeFixedPoint(finalBig, fracBits),
    labels,
    sizes: clusterSizes(labels, k),
    inertia,
    nIter,
    converged,
    inertiaHistory,
    initialRows,
    arithmetic: "fixed",
    fixedCentroids: finalBig,
  };
}
