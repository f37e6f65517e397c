/**
 * Initial centroids of secure k-means: shares of public rows (`--init rows:` and
 * `random`), and secure k-means++ (`--init kmeans++`; Arthur & Vassilvitskii, "k-means++: The
 * Advantages of Careful Seeding", SODA 2007), whose chosen rows stay secret.
 *
 * Secure k-means++ (D² sampling on shares, all exact integer arithmetic in Z_2^64):
 * 1. First centre: joint row r, a uniform draw from the public init seed (init.ts
 *    {@link import("../init.ts").kmeansPlusPlusDraws}); its owner(s) share the row without a
 *    message. r is a public parameter: it is independent of the data (a simulator samples it
 *    itself), exactly like the rows of `--init random`, and it is listed in the revealed values.
 *    Making it secret (an index from private contributions) would make the run irreproducible
 *    by the reference and the launcher; the later centres, which do depend on the data, are
 *    secret.
 * 2. For every further centre j: D'_i = min over chosen centres of floor(‖x̂_i − ĉ‖² / 2^s),
 *    with the exact squared distance at scale 2^2f (secure_assign.ts, plus the owners' ‖x̂_i‖²
 *    for the dot form), an EXACT floor by 2^s (protocol/truncation.ts
 *    {@link truncateExactUnsigned}, bound 63), and the running minimum by a
 *    comparison and a multiplexer. s is public, the smallest that keeps every prefix-sum
 *    comparison below 2^63 (see {@link kmeansPlusPlusPlan}: the public bound n·4dM²·2^w does not
 *    fit the ring otherwise); for the Mall demo s leaves D² on a grid of 1/16 data unit².
 * 3. Prefix sums S_i (local), T = S_{n−1}; with the public draw u_j ∈ [0, 2^w),
 *    b_i = [2^w·S_i > u_j·T] is the sign of u_j·T − 2^w·S_i (linear in the shares, no product:
 *    u_j is public). b_{n−1} is the public 1 (so T = 0, all rows on chosen centres, picks row
 *    n − 1). S is non-decreasing, so the one-hot of the first set bit is b_i XOR b_{i−1}: local.
 * 4. The new centre Σ_i onehot_i · x̂_i: one bit × owner-vector product per (row, block)
 *    (protocol/conversion.ts), the owners' rows as vectors; vertically both feature blocks.
 * The fixed-point reference (fixed_reference.ts fixedKmeansPlusPlus) applies the same rules to
 * the same draws, so the secure centres equal its rows bit for bit.
 *
 * Cost per further centre: n comparisons of w + ceil(log2 n) + E − s + 1 bits (selection), n·B
 * bit × row products, and (except after the last centre) one distance batch, n comparisons of
 * s + 2 bits plus 2n COTs (floor), n comparisons and a mux (minimum): about 17 rounds.
 * Measured (`deno task launch --init kmeans++ --seed 5`, phase "init", shared 2-core machine,
 * timings noisy): Mall, k = 5, either partition: 0.22–0.41 s, party A sends 0.74 MB, party B
 * 2.09 MB, 69 rounds; synthetic n = 2000, d = 2, k = 8 (two 1000-row files): 1.1–1.5 s,
 * A 12.4 MB, B 36.5 MB, 123 rounds. The 64-bit selection comparisons are about half the bytes.
 *
 * Revealed: only the first row r (a public draw). Every other intermediate is a fresh share.
 * Security: semi-honest; OT-extension assumptions (AES, correlation-robust hash).
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import { bitWords, sliceBits } from "../../protocol/binary.ts";
import { signBits } from "../../protocol/comparison.ts";
import type { MpcContext } from "../../protocol/context.ts";
import { bitTimesOwnerValues, bitTimesShared } from "../../protocol/conversion.ts";
import { PreprocessingStore } from "../../protocol/preprocessing.ts";
import { shareInput } from "../../protocol/sharing.ts";
import { truncateExactUnsigned } from "../../protocol/truncation.ts";
import type { KmeansPlusPlusDraws } from "../init.ts";
import { type DistanceForm, secureDistances } from "./assign.ts";
import { rowInertiaShares } from "./inertia.ts";
import type { JointLayout } from "./layout.ts";

/** Default resolution of the public draws u ∈ [0, 1): 2^-24. */
export const DEFAULT_DRAW_BITS = 24;

/** Fewest bits of D² resolution the plan accepts (below that, D² sampling is meaningless). */
const MIN_WEIGHT_BITS = 8;

/** Public bit sizes of secure k-means++ for one job. */
export interface KmeansPlusPlusPlan {
  /** w: the draws u are integers in [0, 2^w). */
  drawBits: number;
  /** s: the weights are floor(‖x̂ − ĉ‖² / 2^s). */
  truncationBits: number;
  /** Signed bits of the selection comparisons u·T − 2^w·S_i. */
  selectionBits: number;
  /** Signed bits of the running-minimum comparisons. */
  minimumBits: number;
}

/**
 * The plan for n rows, d features, f fractional bits and the public bound |x| < 2^B: with
 * E = 2(f + B) + ceil(log2 4d) every exact squared distance is below 2^E, every weight below
 * 2^(E−s), T below 2^(L+E−s) with L = ceil(log2 n), and |u·T − 2^w·S_i| below 2^(w+L+E−s);
 * s = max(0, w + L + E − 63) keeps that inside the signed 64-bit range.
 */
export function kmeansPlusPlusPlan(
  n: number,
  d: number,
  fractionalBits: number,
  valueBits: number,
  drawBits = DEFAULT_DRAW_BITS,
): KmeansPlusPlusPlan {
  if (!Number.isInteger(drawBits) || drawBits < 1 || drawBits > 32) {
    throw new RangeError(`kmeans++ draw bits ${drawBits} not in [1, 32]`);
  }
  const squareBits = 2 * (fractionalBits + valueBits) + Math.ceil(Math.log2(4 * d));
  const rowBits = Math.ceil(Math.log2(Math.max(1, n)));
  const truncationBits = Math.max(0, drawBits + rowBits + squareBits - 63);
  const weightBits = squareBits - truncationBits;
  if (weightBits < MIN_WEIGHT_BITS || squareBits > 62) {
    throw new InputError(
      `kmeans++ with n = ${n}, d = ${d} and |x| < 2^${valueBits} leaves ${weightBits} bits ` +
        `for the D² weights in the 64-bit ring: lower --value-bits or --frac-bits`,
    );
  }
  return {
    drawBits,
    truncationBits,
    selectionBits: drawBits + rowBits + weightBits + 1,
    minimumBits: weightBits + 1,
  };
}

/**
 * Shares of the k × d centroids at the public joint rows `rows`: the owner of each row (of
 * each part of it, vertically) shares its values with the joint PRG, without a message.
 */
export function shareInitialRows(
  ctx: MpcContext,
  layout: JointLayout,
  own: BigUint64Array,
  rows: readonly number[],
): BigUint64Array {
  const { d } = layout;
  const centroids = new BigUint64Array(rows.length * d);
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

/** Options of {@link secureKmeansPlusPlus} (public; both parties pass the same). */
export interface SecureKmeansPlusPlusOptions {
  /** Number of centres. */
  k: number;
  /** The public draws (first row and k − 1 thresholds), from init.ts. */
  draws: KmeansPlusPlusDraws;
  /** Public bit sizes ({@link kmeansPlusPlusPlan}). */
  plan: KmeansPlusPlusPlan;
  /** Distance expression of the squared distances. */
  distance: DistanceForm;
}

/** Shares of the weights floor(‖x̂_i − ĉ‖² / 2^s) (n values) for one shared centre. */
async function centreWeights(
  ctx: MpcContext,
  pool: PreprocessingStore,
  layout: JointLayout,
  own: BigUint64Array,
  centre: BigUint64Array,
  options: SecureKmeansPlusPlusOptions,
): Promise<BigUint64Array> {
  const partial = await secureDistances({ ctx, pool, layout, own }, centre, {
    k: 1,
    form: options.distance,
  });
  const exact = rowInertiaShares(ctx, layout, own, partial, options.distance);
  return await truncateExactUnsigned(ctx, exact, options.plan.truncationBits, 63);
}

/** Shares of Σ_i onehot_i · x̂_i (d values) from the owners' rows. */
async function selectRow(
  ctx: MpcContext,
  layout: JointLayout,
  own: BigUint64Array,
  oneHot: Uint32Array,
): Promise<BigUint64Array> {
  const centre = new BigUint64Array(layout.d);
  for (const block of layout.blocks) {
    const { rowStart, rowCount: rows, colStart, colCount: cols } = block;
    if (rows === 0 || cols === 0) continue;
    const bits = sliceBits(oneHot, rowStart, rows);
    const values = ctx.role === block.owner ? own : null;
    const products = await bitTimesOwnerValues(ctx, bits, block.owner, values, cols, rows);
    for (let i = 0; i < rows; i++) {
      for (let l = 0; l < cols; l++) centre[colStart + l] += products[i * cols + l];
    }
  }
  return centre;
}

/** XOR shares of the one-hot position of the first i with 2^w·S_i > u·T (row n − 1 if none). */
async function sampleRow(
  ctx: MpcContext,
  weights: BigUint64Array,
  draw: bigint,
  plan: KmeansPlusPlusPlan,
): Promise<Uint32Array> {
  const n = weights.length;
  const prefix = new BigUint64Array(n);
  let running = 0n;
  for (let i = 0; i < n; i++) {
    running += weights[i];
    prefix[i] = running;
  }
  const total = prefix[n - 1];
  const scale = 1n << BigInt(plan.drawBits);
  const margins = new BigUint64Array(n - 1); // u·T − 2^w·S_i, negative exactly when b_i = 1
  for (let i = 0; i < n - 1; i++) margins[i] = draw * total - scale * prefix[i];
  const below = n > 1 ? await signBits(ctx, margins, plan.selectionBits) : new Uint32Array(0);
  const chosen = new Uint32Array(bitWords(n));
  if (n > 1) chosen.set(sliceBits(below, 0, n - 1)); // padding bits of a share are not zero
  if (ctx.role === 0) chosen[(n - 1) >>> 5] |= 1 << ((n - 1) & 31); // public b_{n−1} = 1
  // b is non-decreasing, so onehot_i = b_i AND NOT b_{i−1} = b_i XOR b_{i−1}: local.
  const oneHot = new Uint32Array(chosen.length);
  for (let w = 0; w < chosen.length; w++) {
    const previous = (chosen[w] << 1) | (w > 0 ? chosen[w - 1] >>> 31 : 0);
    oneHot[w] = chosen[w] ^ previous;
  }
  return sliceBits(oneHot, 0, n);
}

/**
 * Secure k-means++: shares of the k × d initial centroids (scale 2^f) of the joint data, of
 * which `own` is this party's block (see the module doc). Correlations are generated here, in
 * the caller's traffic phase.
 */
export async function secureKmeansPlusPlus(
  ctx: MpcContext,
  layout: JointLayout,
  own: BigUint64Array,
  options: SecureKmeansPlusPlusOptions,
): Promise<BigUint64Array> {
  const { n, d } = layout;
  const { k, draws, plan } = options;
  if (!(k >= 1 && k <= n)) throw new RangeError(`kmeans++: k = ${k} for ${n} rows`);
  if (draws.thresholds.length < k - 1 || !(draws.first >= 0 && draws.first < n)) {
    throw new RangeError("kmeans++: draws do not match n and k");
  }
  // Exactly the square pairs the k − 1 distance batches use, in one batch (a take that finds
  // the store short would generate a whole chunk of 8192).
  const store = new PreprocessingStore(ctx);
  const perCentre = options.distance === "dot" ? d : n * d;
  if (k > 1) await store.generate({ squarePairs: (k - 1) * perCentre });
  const centroids = new BigUint64Array(k * d);
  let centre = shareInitialRows(ctx, layout, own, [draws.first]);
  centroids.set(centre, 0);
  let weights: BigUint64Array | null = null;
  for (let j = 1; j < k; j++) {
    const fresh = await centreWeights(ctx, store, layout, own, centre, options);
    if (weights === null) {
      weights = fresh;
    } else {
      const diff = new BigUint64Array(n);
      for (let i = 0; i < n; i++) diff[i] = fresh[i] - weights[i];
      const closer = await signBits(ctx, diff, plan.minimumBits); // [fresh < current]
      const moved = await bitTimesShared(ctx, closer, diff, 1, n);
      for (let i = 0; i < n; i++) weights[i] += moved[i];
    }
    const oneHot = await sampleRow(ctx, weights, draws.thresholds[j - 1], plan);
    centre = await selectRow(ctx, layout, own, oneHot);
    centroids.set(centre, j * d);
  }
  return centroids;
}
