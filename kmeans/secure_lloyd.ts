/**
 * Secure two-party Lloyd's algorithm (issue 7): k-means over the joint data of two parties,
 * horizontally or vertically partitioned, with additive secret sharing over Z_2^64, all
 * correlated randomness from OT between the two parties (no dealer), semi-honest security.
 * It follows the fixed-point reference (kmeans/fixed_reference.ts) step for step and is exact,
 * so its centroids and labels equal the reference's bit for bit.
 *
 * Design (see also docs/PROTOCOLS.md; Vaidya & Clifton, KDD 2003 and Jagannathan & Wright,
 * KDD 2005 for the two partitions; Mohassel, Rosulek, Trieu, PETS 2020 for the shape):
 * 1. Encoding: x̂ = round(x·2^f) (f = 16), a public bound |x| < 2^B checked by each owner.
 * 2. Initial centroids: public joint row indices; the owner of each row (or of each part of
 *    the row, vertically) shares its values with the joint PRG (no message).
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

import { inPhase } from "../party/channel.ts";
import { VERTICAL_JOIN_REVEALS } from "./vertical.ts";
import { PreprocessingStore } from "../protocol/preprocessing.ts";
import { open, shareInput } from "../protocol/sharing.ts";
import { argmin, argminTripleWords } from "../protocol/argmin.ts";
import {
  bitWords,
  concatBits,
  getBit,
  notBits,
  openBits,
  openBitsTo,
  packBits,
  sliceBits,
  unpackBits,
} from "../protocol/binary.ts";
import { signBits } from "../protocol/comparison.ts";
import type { MpcContext } from "../protocol/context.ts";
import { bitTimesOwnerValues, bitTimesShared } from "../protocol/conversion.ts";
import { type DistanceForm, secureDistances } from "./secure_assign.ts";
import { DEFAULT_DIGIT_BITS, secureDivide } from "./secure_division.ts";
import { inertiaMayWrap, prepareInertia, rowInertiaShares } from "./secure_inertia.ts";
import { type JointLayout, type SecureBounds, secureBounds } from "./secure_layout.ts";
import { SecureOps } from "./secure_ops.ts";

/** What becomes public during a run. */
export type RevealMode = "sizes" | "centroids";

/** Options of {@link secureKmeans} (all public; both parties pass the same). */
export interface SecureKmeansOptions {
  /** Number of clusters. */
  k: number;
  /** Maximum number of centroid updates. */
  maxIter: number;
  /** Convergence tolerance in data units. */
  tol: number;
  /** Joint row indices of the initial centroids (k distinct rows). */
  initialRows: readonly number[];
  /** `centroids` (default): sizes stay secret; `sizes`: cluster sizes opened each update. */
  reveal: RevealMode;
  /** Distance expression compared by the assignment. */
  distance: DistanceForm;
  /** Open the final inertia. */
  revealInertia: boolean;
  /** Open the final cluster sizes. */
  revealFinalSizes: boolean;
  /** Fractional bits f. */
  fractionalBits: number;
  /** Public bound |x| < 2^valueBits. */
  valueBits: number;
  /** Digit size of the long division (default 4). */
  digitBits?: number;
  /** Iterations whose preprocessing is generated up front (default min(maxIter, 20)). */
  plannedIterations?: number;
  /** Elbow sweeps: open only the final inertia (no centroids, no labels). */
  inertiaOnly?: boolean;
  /** Called after every update with public progress values. */
  onIteration?: (progress: IterationProgress) => void;
}

/** Public progress of one update. */
export interface IterationProgress {
  /** 1-based update number. */
  iteration: number;
  /** Seconds since the online phase began. */
  elapsedSeconds: number;
  /** Bytes sent so far by this party (all phases). */
  bytesSent: number;
  /** Rounds so far (all phases). */
  rounds: number;
  /** The opened convergence bit. */
  converged: boolean;
  /** Cluster sizes, only in `--reveal sizes` mode. */
  sizes?: number[];
}

/** This party's result. */
export interface SecureKmeansResult {
  /** Final k × d centroids in data units (opened to both). */
  centroids: Float64Array;
  /** Final centroids at scale 2^f (signed). */
  fixedCentroids: BigInt64Array;
  /** Labels of this party's rows (horizontal) or of all joined rows (vertical). */
  labels: Int32Array;
  /** Number of updates performed. */
  nIter: number;
  /** Whether the convergence bit stopped the loop. */
  converged: boolean;
  /** Final cluster sizes, if revealed. */
  sizes?: number[];
  /** Final inertia in data units², if revealed. */
  inertia?: number;
  /** Human-readable list of every value that was opened, and to whom. */
  revealed: string[];
  /** Seconds of the offline phase (preprocessing). */
  offlineSeconds: number;
  /** Seconds of the online phase (iterations and final outputs). */
  onlineSeconds: number;
}

/** The list of opened values for these options (printed by the CLIs before a run). */
export function revealedValues(
  options: Pick<SecureKmeansOptions, "reveal" | "revealInertia" | "revealFinalSizes">,
  layout: Pick<JointLayout, "partition">,
): string[] {
  const out = layout.partition === "horizontal"
    ? [
      "row count of each party (both)",
      "convergence bit of each iteration (both)",
      "final centroids (both)",
      "final labels of each party's own rows (that party only)",
    ]
    : [
      ...VERTICAL_JOIN_REVEALS,
      "convergence bit of each iteration (both)",
      "final centroids (both)",
    ];
  if (options.reveal === "sizes") out.push("cluster sizes of each iteration (both)");
  if (options.revealFinalSizes) out.push("final cluster sizes (both)");
  if (options.revealInertia) out.push("final inertia (both)");
  return out;
}

/** The list of opened values of the secure elbow sweep (one run per k, inertia only). */
export function elbowRevealedValues(
  options: Pick<SecureKmeansOptions, "reveal">,
  layout: Pick<JointLayout, "partition">,
): string[] {
  return [
    ...(layout.partition === "horizontal"
      ? ["row count of each party (both)"]
      : VERTICAL_JOIN_REVEALS.slice(0, 3)),
    "convergence bit of each iteration (both)",
    "final inertia for each k (both)",
    ...(options.reveal === "sizes" ? ["cluster sizes of each iteration (both)"] : []),
  ];
}

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

/** Shares of the initial centroids (k × d) from their owners' rows. */
function shareInitialCentroids(
  ctx: MpcContext,
  layout: JointLayout,
  own: BigUint64Array,
  rows: readonly number[],
): BigUint64Array {
  const { d } = layout;
  const k = rows.length;
  const centroids = new BigUint64Array(k * d);
  for (const block of layout.blocks) {
    const inBlock: number[] = [];
    rows.forEach((row, j) => {
      if (row >= block.rowStart && row < block.rowStart + block.rowCount) inBlock.push(j);
    });
    const count = inBlock.length * block.colCount;
    let values: BigUint64Array | null = null;
    if (ctx.role === block.owner) {
      values = new BigUint64Array(count);
      inBlock.forEach((j, e) => {
        const local = (rows[j] - block.rowStart) * block.colCount;
        values!.set(own.subarray(local, local + block.colCount), e * block.colCount);
      });
    }
    const shares = shareInput(ctx, block.owner, values, count);
    inBlock.forEach((j, e) => {
      centroids.set(
        shares.subarray(e * block.colCount, (e + 1) * block.colCount),
        j * d + block.colStart,
      );
    });
  }
  return centroids;
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
  ctx: MpcContext,
  layout: JointLayout,
  bounds: SecureBounds,
  options: SecureKmeansOptions,
  old: BigUint64Array,
  sums: BigUint64Array,
  counts: BigUint64Array,
): Promise<{ centroids: BigUint64Array; sizes?: number[] }> {
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
    if (sizes.some((c) => c > n)) throw new Error("opened cluster size exceeds the row count");
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
  ctx: MpcContext,
  ops: SecureOps,
  bounds: SecureBounds,
  options: SecureKmeansOptions,
  d: number,
  old: BigUint64Array,
  next: BigUint64Array,
): Promise<boolean> {
  const k = options.k;
  const delta = new BigUint64Array(k * d);
  for (let e = 0; e < k * d; e++) delta[e] = next[e] - old[e];
  const squares = await ops.square(ctx, delta);
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
    const anded = await ops.and(ctx, packBits(left), packBits(right));
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
 * The argmin of each row of the n × k distances: XOR one-hot bits (row-major) and the minima,
 * with the AND triples taken from the offline pool.
 */
async function assign(
  ctx: MpcContext,
  ops: SecureOps,
  distances: BigUint64Array,
  n: number,
  k: number,
  bits: number,
): Promise<{ oneHot: Uint32Array; minimum: BigUint64Array }> {
  const words = argminTripleWords(n, k);
  const andTriples = words > 0 ? await ops.takeAndTriples(ctx, words) : undefined;
  const result = await argmin(ctx, distances, k, { bits, arithmeticOneHot: false, andTriples });
  return { oneHot: result.oneHotBits, minimum: result.min };
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
  if (options.initialRows.length !== k) throw new RangeError("initialRows must list k rows");
  const store = new PreprocessingStore(ctx);
  const ops = new SecureOps(store);
  const planned = options.plannedIterations ?? Math.min(options.maxIter, 20);
  const offlineStart = performance.now();
  await inPhase(ctx.channel, "offline", async () => {
    const { squarePairs, andWords } = plan(layout, options, planned);
    await store.generate({ squarePairs });
    await ops.prepareAndTriples(ctx, andWords);
  });
  const offlineSeconds = (performance.now() - offlineStart) / 1000;
  const onlineStart = performance.now();
  const result = await inPhase(ctx.channel, "online", async () => {
    let centroids = shareInitialCentroids(ctx, layout, own, options.initialRows);
    let nIter = 0;
    let converged = false;
    while (nIter < options.maxIter) {
      const distances = await secureDistances(
        ctx,
        ops,
        layout,
        own,
        centroids,
        k,
        options.distance,
      );
      const { oneHot } = await assign(ctx, ops, distances, n, k, bounds.distanceBits);
      const { sums, counts } = await clusterSums(ctx, layout, own, oneHot, k);
      const update = await updateCentroids(
        ctx,
        layout,
        bounds,
        options,
        centroids,
        sums,
        counts,
      );
      converged = await convergenceBit(ctx, ops, bounds, options, d, centroids, update.centroids);
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
    return await finalOutputs(ctx, ops, layout, bounds, own, options, centroids, nIter, converged);
  });
  return { ...result, offlineSeconds, onlineSeconds: (performance.now() - onlineStart) / 1000 };
}

/** The final assignment and the opened outputs. */
async function finalOutputs(
  ctx: MpcContext,
  ops: SecureOps,
  layout: JointLayout,
  bounds: SecureBounds,
  own: BigUint64Array,
  options: SecureKmeansOptions,
  centroids: BigUint64Array,
  nIter: number,
  converged: boolean,
): Promise<Omit<SecureKmeansResult, "offlineSeconds" | "onlineSeconds">> {
  const { n } = layout;
  const { k } = options;
  const distances = await secureDistances(ctx, ops, layout, own, centroids, k, options.distance);
  const { oneHot, minimum } = await assign(ctx, ops, distances, n, k, bounds.distanceBits);
  const inertiaRows = options.inertiaOnly || options.revealInertia
    ? rowInertiaShares(ctx, layout, own, minimum, options.distance)
    : null;
  const inertiaOpening = inertiaRows === null ? null : prepareInertia(
    ctx,
    inertiaRows,
    inertiaMayWrap(n, layout.d, bounds),
    options.fractionalBits,
  );
  if (options.inertiaOnly) {
    const opening = inertiaOpening!;
    const products = await bitTimesOwnerValues(
      ctx,
      opening.choiceBits,
      0,
      opening.ownerValues,
      1,
      opening.productCount,
    );
    // Opened by design: the final inertia.
    const inertia = opening.decode(await open(ctx, opening.shares(products)));
    return {
      centroids: new Float64Array(0),
      fixedCentroids: new BigInt64Array(0),
      labels: new Int32Array(0),
      nIter,
      converged,
      inertia,
      revealed: ["convergence bit of each iteration (both)", "final inertia (both)"],
    };
  }
  // Opened by design: the final centroids, to both.
  const opened = await open(ctx, centroids);
  const fixedCentroids = new BigInt64Array(opened.buffer, opened.byteOffset, opened.length);
  const scale = 2 ** options.fractionalBits;
  const decoded = Float64Array.from(fixedCentroids, (v) => Number(v) / scale);
  // Labels: one-hot bits of each row opened to the parties allowed to see them.
  let labelBits: Uint8Array;
  let labelRows: number;
  if (layout.partition === "horizontal") {
    const block = layout.blocks[ctx.role];
    const mine = await openBitsTo(
      ctx,
      sliceBits(oneHot, layout.blocks[0].rowStart * k, layout.blocks[0].rowCount * k),
      sliceBits(oneHot, layout.blocks[1].rowStart * k, layout.blocks[1].rowCount * k),
      layout.blocks[0].rowCount * k,
      layout.blocks[1].rowCount * k,
    );
    labelBits = mine;
    labelRows = block.rowCount;
  } else {
    labelBits = unpackBits(await openBits(ctx, oneHot), n * k);
    labelRows = n;
  }
  const labels = new Int32Array(labelRows);
  for (let i = 0; i < labelRows; i++) {
    let found = -1;
    for (let j = 0; j < k; j++) {
      if (labelBits[i * k + j] === 1) {
        if (found >= 0) throw new Error("opened assignment is not one-hot");
        found = j;
      }
    }
    if (found < 0) throw new Error("opened assignment is not one-hot");
    labels[i] = found;
  }
  const revealed = revealedValues(options, layout);
  let sizes: number[] | undefined;
  let inertia: number | undefined;
  if (options.revealFinalSizes || inertiaOpening !== null) {
    // One owner-0 COT batch: B2A of the one-hot bits (sizes) and the inertia's wrap products.
    const sizeCount = options.revealFinalSizes ? k : 0;
    const sizeBits = sizeCount * n;
    const wraps = inertiaOpening?.productCount ?? 0;
    let values: BigUint64Array | null = null;
    if (ctx.role === 0) {
      values = new BigUint64Array(sizeBits + wraps);
      values.fill(1n, 0, sizeBits);
      if (wraps > 0) values.set(inertiaOpening!.ownerValues!, sizeBits);
    }
    const bits = concatBits([oneHot, inertiaOpening?.choiceBits ?? new Uint32Array(0)], [
      sizeBits,
      wraps,
    ]);
    const products = await bitTimesOwnerValues(ctx, bits, 0, values, 1, sizeBits + wraps);
    const toOpen: bigint[] = [];
    for (let j = 0; j < sizeCount; j++) {
      let s = 0n;
      for (let i = 0; i < n; i++) s += products[i * k + j];
      toOpen.push(BigInt.asUintN(64, s));
    }
    if (inertiaOpening !== null) toOpen.push(...inertiaOpening.shares(products.subarray(sizeBits)));
    // Opened by design (options): the final sizes and/or the final inertia.
    const opened = await open(ctx, BigUint64Array.from(toOpen));
    if (options.revealFinalSizes) sizes = Array.from(opened.subarray(0, k), (c) => Number(c));
    if (inertiaOpening !== null) inertia = inertiaOpening.decode(opened.subarray(sizeCount));
  }
  return {
    centroids: decoded,
    fixedCentroids: fixedCentroids.slice(),
    labels,
    nIter,
    converged,
    sizes,
    inertia,
    revealed,
  };
}
