/**
 * The distance part of the secure k-means assignment step: exact shared distances.
 *
 * Distances (scale 2^2f, exact in Z_2^64, no truncation, so exact ties stay ties):
 * - "dot" (default): D_ij = ‖ĉ_j‖² − 2⟨x̂_i, ĉ_j⟩. ‖ĉ_j‖² by Beaver squaring (square pairs);
 *   ⟨x̂_i, ĉ_j⟩ as Σ over the two owner blocks of X_b · C[:, cols_b]ᵀ, the owner's matrix times
 *   shared matrix of protocol/vector_ole.ts: the owner multiplies its rows by its own centroid
 *   share locally, and the cross term with the peer's share is one batched vector OLE.
 * - "square": D_ij = Σ_t (x̂_it − ĉ_jt)², the original design, with n·k·d square pairs.
 * Both give the same argmin (they differ by ‖x̂_i‖², constant per row).
 *
 * The argmin over these distances is protocol/argmin.ts (tournament, ties to the lower index,
 * XOR one-hot bits in row-major n × k layout, no B2A), called from lloyd.ts.
 *
 * Security (semi-honest): sub-protocol outputs are fresh shares; nothing is opened.
 *
 * @module
 */

import { ownerMatrixTimesShared } from "../../protocol/vector_ole.ts";
import type { MpcContext } from "../../protocol/context.ts";
import { argmin, argminTripleWords } from "../../protocol/argmin.ts";
import type { JointLayout } from "./layout.ts";
import type { PreprocessingStore } from "../../protocol/preprocessing.ts";
import { squareShared } from "../../protocol/beaver.ts";

/** Which distance expression the assignment compares. */
export type DistanceForm = "dot" | "square";

/** This party's own data: its block's values, row-major (rowCount × colCount), at scale f. */
export type OwnData = BigUint64Array;

/** What a distance computation needs of the run (a {@link LloydSession} has it all). */
export interface DistanceRun {
  /** Channel, PRGs and OT endpoints. */
  ctx: MpcContext;
  /** Square pairs for ‖c‖² or the squared differences. */
  pool: PreprocessingStore;
  /** Who holds which rows and columns. */
  layout: JointLayout;
  /** This party's encoded values. */
  own: OwnData;
}

/** Shares of the n × k distance matrix (scale 2^2f) for shared centroids (k × d). */
export async function secureDistances(
  run: DistanceRun,
  centroids: BigUint64Array,
  shape: { k: number; form: DistanceForm },
): Promise<BigUint64Array> {
  const { ctx, pool, layout, own } = run;
  const { k, form } = shape;
  const { n, d } = layout;
  const out = new BigUint64Array(n * k);
  if (form === "dot") {
    const squares = await squareShared(
      ctx,
      centroids,
      await pool.takeSquarePairs(centroids.length),
    );
    const norms = new BigUint64Array(k);
    for (let j = 0; j < k; j++) {
      for (let t = 0; t < d; t++) norms[j] += squares[j * d + t];
    }
    for (let i = 0; i < n; i++) out.set(norms, i * k);
    for (const block of layout.blocks) {
      const products = await ownerMatrixTimesShared(
        ctx,
        block.owner,
        ctx.role === block.owner ? own : null,
        centroids,
        { rows: block.rowCount, cols: block.colCount, sharedCols: d, colStart: block.colStart },
      );
      for (let i = 0; i < block.rowCount; i++) {
        const row = (block.rowStart + i) * k;
        for (let j = 0; j < k; j++) out[row + j] -= 2n * products[i * k + j];
      }
    }
    return out;
  }
  // Square form: all n·k·d differences in one batch of squarings.
  let total = 0;
  for (const b of layout.blocks) total += b.rowCount * k * b.colCount;
  const diffs = new BigUint64Array(total);
  let offset = 0;
  for (const block of layout.blocks) {
    const isOwner = ctx.role === block.owner;
    const { rowCount: rows, colCount: cols, colStart } = block;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < k; j++) {
        for (let l = 0; l < cols; l++) {
          const c = centroids[j * d + colStart + l];
          diffs[offset++] = isOwner ? own[i * cols + l] - c : -c;
        }
      }
    }
  }
  const squares = await squareShared(ctx, diffs, await pool.takeSquarePairs(diffs.length));
  offset = 0;
  for (const block of layout.blocks) {
    for (let i = 0; i < block.rowCount; i++) {
      const row = (block.rowStart + i) * k;
      for (let j = 0; j < k; j++) {
        let s = 0n;
        for (let l = 0; l < block.colCount; l++) s += squares[offset++];
        out[row + j] += s;
      }
    }
  }
  return out;
}

/**
 * The argmin of each row of the n × k distances: XOR one-hot bits (row-major) and the minima,
 * with the AND triples taken from the offline pool.
 */
export async function assignRows(
  run: { ctx: MpcContext; pool: PreprocessingStore },
  distances: BigUint64Array,
  shape: { n: number; k: number; bits: number },
): Promise<{ oneHot: Uint32Array; minimum: BigUint64Array }> {
  const { ctx, pool } = run;
  const { n, k, bits } = shape;
  const words = argminTripleWords(n, k);
  const andTriples = words > 0 ? await pool.takeAndTriples(words) : undefined;
  const result = await argmin(ctx, distances, k, { bits, arithmeticOneHot: false, andTriples });
  return { oneHot: result.oneHotBits, minimum: result.min };
}
