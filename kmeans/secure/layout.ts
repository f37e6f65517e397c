/**
 * Who holds which part of the joint n × d data matrix in secure k-means, and the
 * public bit bounds that follow from the job parameters.
 *
 * Horizontal partition: party A holds rows [0, nA), party B rows [nA, nA + nB), all d
 * features. Vertical partition: both hold all n joined rows; party A holds features
 * [0, dA), party B features [dA, dA + dB). Either way the matrix is two {@link OwnerBlock}s,
 * one per party, and every protocol step loops over the two blocks. The shapes (nA, nB or
 * dA, dB) are public: each party learns the other's row count (horizontal) or feature count
 * (vertical) and nothing else about its data.
 *
 * Bounds: the job fixes a public bound 2^B on |x| in data units (`valueBits` = B), so every
 * encoded value x̂ = round(x·2^f) has |x̂| < 2^(f+B) = M. Centroids are rounded means of rows
 * (or rows), so they obey the same bound. Then |D_ij| = |‖ĉ‖² − 2⟨x̂, ĉ⟩| ≤ 3dM², a difference
 * of two distances is < 6dM², and Σ_t (x̂_t − ĉ_t)² ≤ 4dM²: comparisons on
 * 2(f+B) + ceil(log2(6d)) + 1 bits are exact. Each party checks its own data against the bound
 * (a clear error otherwise), so the bound never has to be learned from the data.
 *
 * Security: public shapes and parameters only.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import type { Role } from "../../protocol/context.ts";

/** How the joint data are split between the parties. */
export type Partition = "horizontal" | "vertical";

/** One party's rectangle of the joint matrix. */
export interface OwnerBlock {
  /** The party holding these values. */
  owner: Role;
  /** First joint row. */
  rowStart: number;
  /** Number of rows. */
  rowCount: number;
  /** First joint column (feature). */
  colStart: number;
  /** Number of columns. */
  colCount: number;
}

/** The public shape of the joint matrix and its two blocks (block p is party p's). */
export interface JointLayout {
  /** Partition kind. */
  partition: Partition;
  /** Joint rows. */
  n: number;
  /** Joint features. */
  d: number;
  /** Party 0's block, then party 1's. */
  blocks: [OwnerBlock, OwnerBlock];
}

/** The layout for party shapes `shapes[p] = {rows, cols}` under `partition`. */
export function jointLayout(
  partition: Partition,
  shapes: [{ rows: number; cols: number }, { rows: number; cols: number }],
): JointLayout {
  const [a, b] = shapes;
  if (partition === "horizontal") {
    if (a.cols !== b.cols) {
      throw new InputError(
        `horizontal partition needs the same features on both sides: party A has ${a.cols}, ` +
          `party B has ${b.cols}`,
      );
    }
    return {
      partition,
      n: a.rows + b.rows,
      d: a.cols,
      blocks: [
        { owner: 0, rowStart: 0, rowCount: a.rows, colStart: 0, colCount: a.cols },
        { owner: 1, rowStart: a.rows, rowCount: b.rows, colStart: 0, colCount: b.cols },
      ],
    };
  }
  if (a.rows !== b.rows) {
    throw new InputError(`vertical partition needs the same rows: ${a.rows} vs ${b.rows}`);
  }
  return {
    partition,
    n: a.rows,
    d: a.cols + b.cols,
    blocks: [
      { owner: 0, rowStart: 0, rowCount: a.rows, colStart: 0, colCount: a.cols },
      { owner: 1, rowStart: 0, rowCount: b.rows, colStart: a.cols, colCount: b.cols },
    ],
  };
}

/** Public bit bounds of one job; see the module doc. */
export interface SecureBounds {
  /** f: fractional bits. */
  fractionalBits: number;
  /** B: |x| < 2^B in data units. */
  valueBits: number;
  /** Signed bits of any difference of two distances (argmin comparisons). */
  distanceBits: number;
  /** Signed bits of ‖ĉ_new − ĉ_old‖² − T (convergence comparisons). */
  shiftBits: number;
  /** Quotient bits of the shifted centroid update (see secure_lloyd.ts). */
  quotientBits: number;
}

/** Bounds for f, B, d and n; throws a {@link InputError} if the 64-bit ring is too small. */
export function secureBounds(fractionalBits: number, valueBits: number, d: number): SecureBounds {
  const magnitude = fractionalBits + valueBits;
  const distanceBits = 2 * magnitude + Math.ceil(Math.log2(6 * d)) + 1;
  const shiftBits = 2 * magnitude + Math.ceil(Math.log2(4 * d)) + 2;
  if (distanceBits > 64 || shiftBits > 64) {
    throw new InputError(
      `values below 2^${valueBits} with ${fractionalBits} fractional bits and d = ${d} need ` +
        `${Math.max(distanceBits, shiftBits)}-bit distances, more than the 64-bit ring: ` +
        `lower --value-bits or --frac-bits`,
    );
  }
  return { fractionalBits, valueBits, distanceBits, shiftBits, quotientBits: magnitude + 1 };
}

/** Throws a {@link InputError} if some |round(x·2^f)| ≥ 2^(f+B) in this party's own data. */
export function checkValueBound(
  encoded: BigInt64Array,
  bounds: SecureBounds,
  source: string,
): void {
  const limit = 1n << BigInt(bounds.fractionalBits + bounds.valueBits);
  for (let i = 0; i < encoded.length; i++) {
    const v = encoded[i];
    if (v >= limit || -v >= limit) {
      throw new InputError(
        `${source}: a value exceeds the public bound |x| < 2^${bounds.valueBits} ` +
          `(raise --value-bits)`,
      );
    }
  }
}
