/**
 * Secure two-party Lloyd's algorithm: k-means over the joint data of two parties,
 * horizontally or vertically partitioned, with additive secret sharing over Z_2^64, all
 * correlated randomness from OT between the two parties (no dealer), semi-honest security.
 * It follows the fixed-point reference (kmeans/fixed_reference.ts) step for step and is exact,
 * so its centroids and labels equal the reference's bit for bit.
 *
 * Design (see also docs/PROTOCOLS.md; Vaidya & Clifton, KDD 2003 and Jagannathan & Wright,
 * KDD 2005 for the two partitions; Mohassel, Rosulek, Trieu, PETS 2020 for the shape):
 * 1. Encoding: x̂ = round(x·2^f) (f = 16), a public bound |x| < 2^B checked by each owner.
 * 2. Initial centroids: public joint row indices; the owner of each row (or of each part of
 *    the row, vertically) shares its values with the joint PRG (no message); or shares chosen
 *    by secure k-means++ (secure_init.ts), passed in as `initialCentroids`.
 * 3. Assignment: exact D_ij at scale 2^2f (secure_assign.ts), tournament argmin
 *    (protocol/argmin.ts, ties to the lower index) → XOR-shared one-hot bits, no B2A.
 * 4. Sums and counts: one bit × owner-vector product per (row, cluster): the owner's row,
 *    extended by a constant 1 whose product is the count contribution.
 * 5. Update: ĉ = floor((2S + c) / (2c)) by exact long division (secure_division.ts); with
 *    `--reveal sizes` the counts c are opened and the divisor is public; otherwise c stays
 *    secret. An empty cluster keeps its centroid (public decision, or a shared [c < 1] mux).
 * 6. Convergence: the only value opened per iteration is the bit
 *    AND_j [‖ĉ_new,j − ĉ_old,j‖² ≤ T], T = floor((tol·2^f)²) (the reference's test).
 * 7. Final: one more assignment against the final centroids (as the reference); the centroids
 *    are opened to both, each party gets the labels of its own rows (horizontal) or both get
 *    the labels of the joined rows (vertical); optionally sizes and the inertia, opened exactly
 *    without wrap-around (secure_inertia.ts).
 *
 * Cost of the default demo (Mall, n = 200, d = 2, k = 5, converges after 5 updates + final
 * assignment), measured with `deno task bench-kmeans` on the shared 2-core machine (noisy):
 * ~0.85 s wall for `deno run cli/launch.ts` including both process start-ups and base OT;
 * party A sends 5.1 MB, party B 13.0 MB; ~84 rounds per update (long division ≈ 50, argmin
 * ≈ 20, convergence ≈ 9).
 *
 * Revealed values are listed in {@link SecureKmeansResult.revealed}; everything else stays in
 * fresh shares. Preprocessing (square pairs, AND triples) runs in phase "offline", the Lloyd
 * iterations in phase "online" (ChannelStats by phase).
 *
 * @module
 */

import { PeerError } from "../../core/errors.ts";
import { PLANNED_ITERATIONS } from "../../core/tuning.ts";
import { inPhase } from "../../party/channel.ts";
import { PreprocessingStore } from "../../protocol/preprocessing.ts";
import { open } from "../../protocol/sharing.ts";
import { argminTripleWords } from "../../protocol/argmin.ts";
import {
  andBits,
  bitWords,
  getBit,
  notBits,
  openBits,
  packBits,
  sliceBits,
} from "../../protocol/binary.ts";
import { squareShared } from "../../protocol/beaver.ts";
import type { LloydSession } from "./session.ts";
import { signBits } from "../../protocol/comparison.ts";
import type { MpcContext } from "../../protocol/context.ts";
import { bitTimesOwnerValues, bitTimesShared } from "../../protocol/conversion.ts";
import { assignRows, secureDistances } from "./assign.ts";
import { finalOutputs } from "./outputs.ts";
import { shareInitialRows } from "./init.ts";
import { DEFAULT_DIGIT_BITS, secureDivide } from "./division.ts";
import { type JointLayout, secureBounds } from "./layout.ts";
import { type SecureKmeansOptions, type SecureKmeansResult } from "./options.ts";

/** Correlations to generate up front for `iterations` updates. */
function plan(layout: JointLayout, options: SecureKmeansOptions, iterations: number) {
  const { n, d } = layout;
  const k = options.k;
  const perAssignment = options.distance === "dot" ? k * d : n * k * d;
  const squarePairs = perAssignment * (iterations + 1) + k * d * iterations;
  let andWords = argminTripleWords(n, k) * (iterations + 1);
  for (let width = k; width > 1; width = Math.ceil(width / 2)) {
    andWords += bitWords(width >>> 1) * iterations;
  }
  return { squarePairs, andWords };
}

/** Shares of the cluster sums (k × d) and counts (k) for the one-hot bits. */
async function clusterSums(
  ctx: MpcContext,
  layout: JointLayout,
  own: BigUint64Array,
  oneHot: Uint32Array,
  k: number,
): Promise<{ sums: BigUint64Array; counts: BigUint64Array }> {
  const { d } = layout;
  const sums = new BigUint64Array(k * d);
  const counts = new BigUint64Array(k);
  for (const block of layout.blocks) {
    const { rowStart, rowCount: rows, colStart, colCount: cols } = block;
    // Rows are counted once: by every block horizontally, by party A's block vertically.
    const carrier = layout.partition === "horizontal" || block.owner === 0;
    const width = cols + (carrier ? 1 : 0);
    if (rows === 0 || width === 0) continue;
    const bits = sliceBits(oneHot, rowStart * k, rows * k);
    let values: BigUint64Array | null = null;
    if (ctx.role === block.owner) {
      values = new BigUint64Array(rows * k * width);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < k; j++) {
          const base = (i * k + j) * width;
          values.set(own.subarray(i * cols, (i + 1) * cols), base);
          if (carrier) values[base + cols] = 1n;
        }
      }
    }
    const products = await bitTimesOwnerValues(ctx, bits, block.owner, values, width, rows * k);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < k; j++) {
        const base = (i * k + j) * width;
        for (let l = 0; l < cols; l++) sums[j * d + colStart + l] += products[base + l];
        if (carrier) counts[j] += products[base + cols];
      }
    }
  }
  return { sums, counts };
}

/** New centroids from sums and counts (floor((2S + c)/(2c)), empty clusters keep theirs). */
async function updateCentroids(
  session: LloydSession,
  step: { old: BigUint64Array; sums: BigUint64Array; counts: BigUint64Array },
): Promise<{ centroids: BigUint64Array; sizes?: number[] }> {
  const { ctx, layout, bounds, options } = session;
  const { old, sums, counts } = step;
  const { n, d } = layout;
  const k = options.k;
  // Shift by K = 2^(f+B) so every numerator is non-negative: q' = q + K ∈ [1, 2K).
  const shift = 1n << BigInt(bounds.fractionalBits + bounds.valueBits);
  const divisionBounds = {
    quotientBits: bounds.quotientBits,
    maxDivisor: 2 * n,
    digitBits: options.digitBits ?? DEFAULT_DIGIT_BITS,
  };
  const numerators = new BigUint64Array(k * d);
  if (options.reveal === "sizes") {
    // Opened by design in this mode: the cluster sizes.
    const opened = await open(ctx, counts);
    const sizes = Array.from(opened, (c) => Number(c));
    if (sizes.some((c) => c > n)) {
      throw new PeerError("opened cluster size exceeds the row count (corrupted opening)");
    }
    const divisors = new BigUint64Array(k);
    for (let j = 0; j < k; j++) {
      const c = opened[j];
      divisors[j] = c === 0n ? 1n : 2n * c;
      for (let t = 0; t < d; t++) {
        numerators[j * d + t] = 2n * sums[j * d + t] +
          (ctx.role === 0 ? (c === 0n ? 0n : c + 2n * shift * c) : 0n);
      }
    }
    const q = await secureDivide(ctx, numerators, divisors, d, divisionBounds, true);
    for (let j = 0; j < k; j++) {
      for (let t = 0; t < d; t++) {
        const e = j * d + t;
        q[e] = opened[j] === 0n ? old[e] : q[e] - (ctx.role === 0 ? shift : 0n);
      }
    }
    return { centroids: q, sizes };
  }
  const divisors = new BigUint64Array(k);
  for (let j = 0; j < k; j++) {
    const c = counts[j];
    divisors[j] = 2n * c;
    for (let t = 0; t < d; t++) numerators[j * d + t] = 2n * sums[j * d + t] + c + 2n * shift * c;
  }
  // [c_j < 1] for the empty-cluster mux; c_j − 1 ∈ [−1, n).
  const countBits = Math.ceil(Math.log2(n + 2)) + 2;
  const minusOne = counts.slice();
  if (ctx.role === 0) { for (let j = 0; j < k; j++) minusOne[j] -= 1n; }
  const empty = await signBits(ctx, minusOne, countBits);
  const q = await secureDivide(ctx, numerators, divisors, d, divisionBounds, false);
  const keep = new BigUint64Array(k * d);
  for (let e = 0; e < k * d; e++) {
    if (ctx.role === 0) q[e] -= shift;
    keep[e] = old[e] - q[e];
  }
  const kept = await bitTimesShared(ctx, empty, keep, d, k);
  for (let e = 0; e < k * d; e++) q[e] += kept[e];
  return { centroids: q };
}

/** Opens the bit AND_j [‖new_j − old_j‖² ≤ T]. */
async function convergenceBit(
  session: LloydSession,
  old: BigUint64Array,
  next: BigUint64Array,
): Promise<boolean> {
  const { ctx, pool, bounds, options } = session;
  const { d } = session.layout;
  const k = options.k;
  const delta = new BigUint64Array(k * d);
  for (let e = 0; e < k * d; e++) delta[e] = next[e] - old[e];
  const squares = await squareShared(ctx, delta, await pool.takeSquarePairs(delta.length));
  // T clamped to the largest possible shift 4dM², which leaves every comparison unchanged.
  const scaled = options.tol * 2 ** options.fractionalBits;
  const magnitude = BigInt(bounds.fractionalBits + bounds.valueBits);
  const maxShift = 4n * BigInt(d) * (1n << (2n * magnitude));
  let threshold = BigInt(Math.floor(Math.min(scaled * scaled, Number(maxShift))));
  if (threshold > maxShift) threshold = maxShift;
  const margin = new BigUint64Array(k); // T − ‖Δ_j‖², negative exactly when cluster j moved
  for (let j = 0; j < k; j++) {
    let s = ctx.role === 0 ? threshold : 0n;
    for (let t = 0; t < d; t++) s -= squares[j * d + t];
    margin[j] = s;
  }
  let still = notBits(ctx.role, await signBits(ctx, margin, bounds.shiftBits));
  let width = k;
  while (width > 1) {
    const pairs = width >>> 1;
    const left = new Uint8Array(pairs);
    const right = new Uint8Array(pairs);
    for (let p = 0; p < pairs; p++) {
      left[p] = getBit(still, 2 * p);
      right[p] = getBit(still, 2 * p + 1);
    }
    const [x, y] = [packBits(left), packBits(right)];
    const anded = await andBits(ctx, x, y, await pool.takeAndTriples(x.length));
    const next = new Uint8Array(Math.ceil(width / 2));
    for (let p = 0; p < pairs; p++) next[p] = getBit(anded, p);
    if (width % 2 === 1) next[pairs] = getBit(still, width - 1);
    still = packBits(next);
    width = next.length;
  }
  // Opened by design: the single convergence bit.
  return (await openBits(ctx, still.subarray(0, 1)))[0] % 2 === 1;
}

/**
 * Runs secure k-means. `own` is this party's block of the joint matrix (row-major, encoded
 * at scale 2^f, checked against the value bound by the caller); `layout` is public.
 */
export async function secureKmeans(
  ctx: MpcContext,
  layout: JointLayout,
  own: BigUint64Array,
  options: SecureKmeansOptions,
): Promise<SecureKmeansResult> {
  const { n, d } = layout;
  const { k } = options;
  const bounds = secureBounds(options.fractionalBits, options.valueBits, d);
  if (options.initialCentroids !== undefined) {
    if (options.initialCentroids.length !== k * d) {
      throw new RangeError("initialCentroids must hold k × d shares");
    }
  } else if (options.initialRows.length !== k) {
    throw new RangeError("initialRows must list k rows");
  }
  const store = new PreprocessingStore(ctx);
  const session: LloydSession = { ctx, pool: store, layout, bounds, own, options };
  const planned = options.plannedIterations ?? Math.min(options.maxIter, PLANNED_ITERATIONS);
  const offlineStart = performance.now();
  await inPhase(ctx.channel, "offline", async () => {
    const { squarePairs, andWords } = plan(layout, options, planned);
    await store.generate({ squarePairs });
    await store.generateAndTriples(andWords);
  });
  const offlineSeconds = (performance.now() - offlineStart) / 1000;
  const onlineStart = performance.now();
  const result = await inPhase(ctx.channel, "online", async () => {
    let centroids = options.initialCentroids?.slice() ??
      shareInitialRows(ctx, layout, own, options.initialRows);
    let nIter = 0;
    let converged = false;
    while (nIter < options.maxIter) {
      const distances = await secureDistances(session, centroids, { k, form: options.distance });
      const { oneHot } = await assignRows(session, distances, { n, k, bits: bounds.distanceBits });
      const { sums, counts } = await clusterSums(ctx, layout, own, oneHot, k);
      const update = await updateCentroids(session, { old: centroids, sums, counts });
      converged = await convergenceBit(session, centroids, update.centroids);
      centroids = update.centroids;
      nIter++;
      const total = ctx.channel.stats.total;
      options.onIteration?.({
        iteration: nIter,
        elapsedSeconds: (performance.now() - onlineStart) / 1000,
        bytesSent: total.bytesSent,
        rounds: total.rounds,
        converged,
        sizes: update.sizes,
      });
      if (converged) break;
    }
    return await finalOutputs(session, { centroids, nIter, converged });
  });
  return { ...result, offlineSeconds, onlineSeconds: (performance.now() - onlineStart) / 1000 };
}
