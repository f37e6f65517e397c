/**
 * Choice of the initial centroids for Lloyd's algorithm, as row indices of the data.
 *
 * Methods: `rows:i,j,...` (explicit 0-based rows, distinct and in range), `random` (k distinct
 * rows, uniformly), `kmeans++` (Arthur & Vassilvitskii, "k-means++: The Advantages of Careful
 * Seeding", SODA 2007: first row uniform, each next row with probability proportional to its
 * squared distance to the nearest row chosen so far; the classic single-trial variant, not
 * scikit-learn's greedy one). Randomness is the project's AES-CTR {@link Prg} keyed by
 * SHA-256("kmeans-init:" + seed), so a seed reproduces the choice exactly. In the plaintext
 * reference the data are public to the caller; choosing rows reveals nothing further.
 *
 * Returning indices (not coordinates) lets the float64 and fixed-point modes, and the secure
 * protocol, start from exactly the same points.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { InputError } from "../core/errors.ts";
import { Prg, SEED_BYTES } from "../core/prg.ts";

/** How to choose the k initial centroids. */
export type InitMethod =
  | { kind: "rows"; rows: readonly number[] }
  | { kind: "random" }
  | { kind: "kmeans++" };

/** The textual form of {@link InitMethod} accepted by the CLIs. */
export const INIT_SYNTAX = "rows:i,j,... | random | kmeans++";

/** Parses `rows:i,j,...`, `random` or `kmeans++`; throws {@link InputError} otherwise. */
export function parseInit(spec: string): InitMethod {
  const text = spec.trim();
  if (text === "random") return { kind: "random" };
  if (text === "kmeans++" || text === "k-means++") return { kind: "kmeans++" };
  if (text.startsWith("rows:")) {
    const parts = text.slice(5).split(",").map((p) => p.trim());
    const rows = parts.map((part) => {
      if (!/^\d+$/.test(part) || !Number.isSafeInteger(Number(part))) {
        throw new InputError(`--init: ${JSON.stringify(part)} is not a 0-based row index`);
      }
      return Number(part);
    });
    return { kind: "rows", rows };
  }
  throw new InputError(`--init: unknown method ${JSON.stringify(spec)} (expected ${INIT_SYNTAX})`);
}

/** The textual form of an {@link InitMethod} (inverse of {@link parseInit}). */
export function formatInit(init: InitMethod): string {
  return init.kind === "rows" ? `rows:${init.rows.join(",")}` : init.kind;
}

/** The 16-byte PRG seed used for initialisation with integer `seed`. */
export function initSeed(seed: number): Uint8Array {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InputError(`seed must be a non-negative integer, got ${seed}`);
  }
  return sha256(new TextEncoder().encode(`kmeans-init:${seed}`)).slice(0, SEED_BYTES);
}

/** A uniform double in [0, 1) with 53 random bits. */
function uniformDouble(prg: Prg): number {
  const words = new Uint32Array(prg.bytes(8).buffer);
  return ((words[0] >>> 5) * 67108864 + (words[1] >>> 6)) / 9007199254740992;
}

/** A uniform integer in [0, bound) for any safe bound (rejection sampling, no bias). */
function uniformIndex(prg: Prg, bound: number): number {
  if (bound <= 2 ** 32) return prg.uniformInt(bound);
  for (;;) {
    const candidate = Math.floor(uniformDouble(prg) * 2 ** 53);
    const limit = Math.floor(2 ** 53 / bound) * bound;
    if (candidate < limit) return candidate % bound;
  }
}

function squaredDistanceToRow(rows: Float64Array, d: number, a: number, b: number): number {
  let sum = 0;
  for (let t = 0; t < d; t++) {
    const diff = rows[a * d + t] - rows[b * d + t];
    sum += diff * diff;
  }
  return sum;
}

/**
 * The 0-based row indices of the k initial centroids of the n × d matrix `rows`.
 * Throws {@link InputError} for explicit rows that are out of range, repeated, or not k many.
 */
export function chooseInitialRows(
  rows: Float64Array,
  n: number,
  d: number,
  k: number,
  init: InitMethod,
  seed = 0,
): number[] {
  if (k > n) throw new InputError(`k = ${k} needs at least ${k} data rows, the data have ${n}`);
  if (init.kind === "rows") {
    if (init.rows.length !== k) {
      throw new InputError(`--init rows: gives ${init.rows.length} rows but k = ${k}`);
    }
    const seen = new Set<number>();
    for (const row of init.rows) {
      if (!Number.isInteger(row) || row < 0 || row >= n) {
        throw new InputError(
          `--init rows: row ${row} is out of range (the data have rows 0..${n - 1})`,
        );
      }
      if (seen.has(row)) throw new InputError(`--init rows: row ${row} is listed twice`);
      seen.add(row);
    }
    return [...init.rows];
  }
  const prg = new Prg(initSeed(seed));
  if (init.kind === "random") {
    const chosen: number[] = [];
    const seen = new Set<number>();
    while (chosen.length < k) {
      const row = uniformIndex(prg, n);
      if (!seen.has(row)) {
        seen.add(row);
        chosen.push(row);
      }
    }
    return chosen;
  }
  // kmeans++: nearest[i] = squared distance from row i to the closest chosen row.
  const first = uniformIndex(prg, n);
  const chosen = [first];
  const taken = new Uint8Array(n);
  taken[first] = 1;
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = squaredDistanceToRow(rows, d, i, first);
  while (chosen.length < k) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i];
    let next = -1;
    if (total > 0) {
      const target = uniformDouble(prg) * total;
      let cumulative = 0;
      for (let i = 0; i < n; i++) {
        if (nearest[i] === 0) continue;
        cumulative += nearest[i];
        next = i; // the last positive row also absorbs rounding at the top end
        if (cumulative > target) break;
      }
    } else {
      // Every row coincides with a chosen one (duplicates): any untaken row is as good.
      const remaining = n - chosen.length;
      let skip = uniformIndex(prg, remaining);
      for (let i = 0; i < n; i++) {
        if (taken[i]) continue;
        if (skip-- === 0) {
          next = i;
          break;
        }
      }
    }
    chosen.push(next);
    taken[next] = 1;
    for (let i = 0; i < n; i++) {
      const distance = squaredDistanceToRow(rows, d, i, next);
      if (distance < nearest[i]) nearest[i] = distance;
    }
  }
  return chosen;
}

/** The public random draws of k-means++ with D² sampling at 2^-w resolution. */
export interface KmeansPlusPlusDraws {
  /** Joint row of the first centre, uniform in [0, n). */
  first: number;
  /** For each further centre, u_j uniform in [0, 2^w) (the threshold is u_j / 2^w of T). */
  thresholds: bigint[];
}

/**
 * The draws of the exact k-means++ variant shared by the secure protocol
 * (secure_init.ts) and the fixed-point reference (fixed_reference.ts fixedKmeansPlusPlus):
 * from the same PRG as the other methods, the first row by {@link uniformIndex}, then k − 1
 * words of `drawBits` ≤ 32 bits. Public: a function of the public seed only.
 */
export function kmeansPlusPlusDraws(
  seed: number,
  n: number,
  k: number,
  drawBits: number,
): KmeansPlusPlusDraws {
  if (!Number.isInteger(drawBits) || drawBits < 1 || drawBits > 32) {
    throw new RangeError(`draw bits ${drawBits} not in [1, 32]`);
  }
  if (!(Number.isSafeInteger(n) && n >= 1 && Number.isSafeInteger(k) && k >= 1 && k <= n)) {
    throw new InputError(`k = ${k} needs at least ${k} data rows, the data have ${n}`);
  }
  const prg = new Prg(initSeed(seed));
  const first = uniformIndex(prg, n);
  const mask = 2 ** drawBits;
  const thresholds: bigint[] = [];
  const word = new Uint32Array(1);
  for (let j = 1; j < k; j++) {
    prg.fill(new Uint8Array(word.buffer));
    thresholds.push(BigInt(word[0] % mask));
  }
  return { first, thresholds };
}

function floorSquaredDistance(
  points: BigInt64Array,
  d: number,
  a: number,
  b: number,
  shift: bigint,
): bigint {
  let sum = 0n;
  for (let t = 0; t < d; t++) {
    const diff = points[a * d + t] - points[b * d + t];
    sum += diff * diff;
  }
  return sum >> shift; // floor: sum ≥ 0
}

/**
 * k-means++ in exact fixed point with the public draws of {@link kmeansPlusPlusDraws}: the
 * reference of secure k-means++ (secure_init.ts), which follows the same rules on shares.
 * `points` is the n × d matrix at scale 2^f (encodeFixedPoint). Rules: centre 0 is row
 * `draws.first`; the weight of row i is W_i = min over chosen rows c of
 * floor(‖x̂_i − x̂_c‖² / 2^s) (s = `truncationBits`); with prefix sums S_i and T = S_{n−1},
 * centre j is the first row i < n − 1 with 2^w·S_i > u_j·T, else row n − 1 (so T = 0, every row
 * on a chosen one, gives row n − 1, possibly a repeat). Returns the k joint row indices.
 */
export function fixedKmeansPlusPlus(
  points: BigInt64Array,
  n: number,
  d: number,
  k: number,
  draws: KmeansPlusPlusDraws,
  drawBits: number,
  truncationBits: number,
): number[] {
  if (points.length !== n * d) throw new RangeError(`expected ${n} × ${d} points`);
  const shift = BigInt(truncationBits);
  const scale = 1n << BigInt(drawBits);
  const chosen = [draws.first];
  const weights: bigint[] = [];
  for (let i = 0; i < n; i++) weights.push(floorSquaredDistance(points, d, i, draws.first, shift));
  for (let j = 1; j < k; j++) {
    let total = 0n;
    for (const w of weights) total += w;
    const target = draws.thresholds[j - 1] * total;
    let next = n - 1;
    let prefix = 0n;
    for (let i = 0; i < n - 1; i++) {
      prefix += weights[i];
      if (scale * prefix > target) {
        next = i;
        break;
      }
    }
    chosen.push(next);
    for (let i = 0; i < n; i++) {
      const w = floorSquaredDistance(points, d, i, next, shift);
      if (w < weights[i]) weights[i] = w;
    }
  }
  return chosen;
}
