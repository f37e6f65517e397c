/**
 * Options and result shapes of the plaintext k-means reference (names follow scikit-learn's
 * `KMeans`), and their validation. The rules themselves are documented in `plain.ts`.
 *
 * @module
 */

import { InputError } from "../core/errors.ts";
import { type InitMethod, parseInit } from "./init.ts";

/** Default maximum number of Lloyd updates in the library (the CLI's default is 10). */
export const DEFAULT_MAX_ITER = 300;

/** Default convergence tolerance, in data units (centroid movement, Euclidean). */
export const DEFAULT_TOL = 1e-4;

/** Default fractional bits of the fixed-point mode. */
export const DEFAULT_FRAC_BITS = 16;

/** Largest supported fractional bits: 2^f-scaled data times d must stay far inside 2^63. */
export const MAX_FRAC_BITS = 40;

/** Options of {@link import("./plain.ts").kmeans}. */
export interface KMeansOptions {
  /** Number of clusters (scikit-learn: `n_clusters`). */
  k: number;
  /** Maximum number of centroid updates (default {@link DEFAULT_MAX_ITER}). */
  maxIter?: number;
  /** Stop once no centroid moved more than `tol` (Euclidean, data units); default 1e-4. */
  tol?: number;
  /** Initial centroids: a method or its text form (default `kmeans++`). */
  init?: InitMethod | string;
  /** Seed of `random` and `kmeans++` initialisation (default 0). */
  seed?: number;
  /** `float64` (default) or `fixed` (mimics the secure Z_2^64 fixed-point arithmetic). */
  arithmetic?: "float64" | "fixed";
  /** Fractional bits f of the fixed-point mode (default 16). */
  fracBits?: number;
}

/** Options with every default filled in. */
export interface ResolvedKMeansOptions {
  /** Number of clusters. */
  k: number;
  /** Maximum number of centroid updates. */
  maxIter: number;
  /** Convergence tolerance in data units. */
  tol: number;
  /** Initialisation method. */
  init: InitMethod;
  /** Initialisation seed. */
  seed: number;
  /** Arithmetic mode. */
  arithmetic: "float64" | "fixed";
  /** Fractional bits (used by the fixed mode). */
  fracBits: number;
}

/** The outcome of k-means, in data units whatever the arithmetic. */
export interface KMeansResult {
  /** Number of clusters. */
  k: number;
  /** Number of features. */
  d: number;
  /** Final k × d centroids, row-major, in data units. */
  centroids: Float64Array;
  /** For each row, the index of its nearest final centroid (ties: lowest index). */
  labels: Int32Array;
  /** Number of rows per cluster under `labels`. */
  sizes: Int32Array;
  /** Sum of squared distances from each row to its labelled centroid. */
  inertia: number;
  /** Centroid updates performed. */
  nIter: number;
  /** Whether the tolerance test stopped the loop (false: `maxIter` reached). */
  converged: boolean;
  /** Inertia of each assignment: before update 1, 2, ..., nIter, and the final one. */
  inertiaHistory: number[];
  /** The data rows the centroids started from. */
  initialRows: number[];
  /** Arithmetic used. */
  arithmetic: "float64" | "fixed";
  /** Fixed mode only: the final centroids as signed integers at scale 2^fracBits. */
  fixedCentroids?: BigInt64Array;
}

/** Fills defaults and validates; throws {@link InputError} with a one-line reason. */
export function resolveOptions(options: KMeansOptions, n: number): ResolvedKMeansOptions {
  const { k } = options;
  const maxIter = options.maxIter ?? DEFAULT_MAX_ITER;
  const tol = options.tol ?? DEFAULT_TOL;
  const seed = options.seed ?? 0;
  const arithmetic = options.arithmetic ?? "float64";
  const fracBits = options.fracBits ?? DEFAULT_FRAC_BITS;
  if (!Number.isSafeInteger(k) || k < 1) throw new InputError(`k must be a positive integer`);
  if (k > n) throw new InputError(`k = ${k} needs at least ${k} data rows, the data have ${n}`);
  if (!Number.isSafeInteger(maxIter) || maxIter < 1) {
    throw new InputError(`maxIter must be a positive integer`);
  }
  if (!(Number.isFinite(tol) && tol >= 0)) throw new InputError(`tol must be a number >= 0`);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InputError(`seed must be a non-negative integer`);
  }
  if (arithmetic !== "float64" && arithmetic !== "fixed") {
    throw new InputError(`arithmetic must be "float64" or "fixed"`);
  }
  if (!Number.isInteger(fracBits) || fracBits < 0 || fracBits > MAX_FRAC_BITS) {
    throw new InputError(`fracBits must be an integer in [0, ${MAX_FRAC_BITS}]`);
  }
  const init = typeof options.init === "string"
    ? parseInit(options.init)
    : options.init ?? { kind: "kmeans++" as const };
  return { k, maxIter, tol, init, seed, arithmetic, fracBits };
}

/** Cluster sizes of `labels` over k clusters. */
export function clusterSizes(labels: Int32Array, k: number): Int32Array {
  const sizes = new Int32Array(k);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  return sizes;
}
