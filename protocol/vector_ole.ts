/**
 * "Owner's private matrix × shared matrix" by vector OLE, without Beaver triples (Gilboa 1999
 * in vector form; the cross-term trick of SecureML, Mohassel & Zhang, S&P 2017, Sec. IV-A).
 *
 * The owner holds X (n × d, plaintext ring values); both hold shares of C (k × d), C = C_o + C_p
 * (owner's share C_o, peer's share C_p). The product X·Cᵀ (n × k) splits into
 * X·C_oᵀ, computed locally by the owner, and X·C_pᵀ, whose every entry Σ_l X[i,l]·C_p[j,l]
 * is a sum of cross terms: for each shared scalar C_p[j,l] the owner acts as correlated-OT
 * sender with the whole column X[:,l] as correlation vector and the peer chooses with the 64
 * bits of C_p[j,l]. 64 OTs serve all n products of that scalar, so the IKNP part of the cost is
 * independent of n; the correction words are n·2080 bits per scalar. All k·d scalars go into
 * one Gilboa call, so the OT stream is filled and drained once.
 *
 * C may be wider than X: X then multiplies a window of C's columns, as in a vertical
 * partition, where each party's features are a column range of the joint centroids.
 * k-means uses it for ⟨x_i, c_j⟩ in the assignment step (kmeans/secure/assign.ts: X = one
 * party's block of points, C = the shared centroids).
 *
 * Security (semi-honest): X enters only as OT correlations, C_p only as OT choice bits, both
 * hidden by the OT extension; the outputs are fresh additive shares (the peer's is uniform,
 * being a sum of correlated-OT outputs with uniform masks). Nothing is revealed.
 *
 * @module
 */

import { checkCount } from "../core/validate.ts";
import type { MpcContext, Role } from "./context.ts";
import { gilboaReceiver, gilboaSender } from "./gilboa.ts";

/** Shape of the owner's matrix X and where its columns sit in the shared matrix C. */
export interface MatrixShape {
  /** Rows n of X (public). */
  rows: number;
  /** Columns d of X (public). */
  cols: number;
  /** Columns of C (public; default `cols`): C is k × sharedCols, row-major. */
  sharedCols?: number;
  /** First column of C that X's columns multiply (public; default 0). */
  colStart?: number;
}

/**
 * Shares of X · C[:, colStart, colStart + d)ᵀ (n × k, row-major) where party `owner` holds X
 * (n × d, row-major; the other party passes `null`) and `shared` is this party's share of C
 * (k × sharedCols, row-major). Both parties pass the same `shape`. One Gilboa call, owner as OT
 * sender; nothing is sent when n, d or k is 0.
 */
export async function ownerMatrixTimesShared(
  ctx: MpcContext,
  owner: Role,
  matrix: BigUint64Array | null,
  shared: BigUint64Array,
  shape: MatrixShape,
): Promise<BigUint64Array> {
  const { rows: n, cols: d, sharedCols = d, colStart = 0 } = shape;
  checkCount(n, "ownerMatrixTimesShared rows");
  checkCount(d, "ownerMatrixTimesShared cols");
  checkCount(colStart, "ownerMatrixTimesShared colStart");
  if (!(Number.isInteger(sharedCols) && sharedCols >= Math.max(1, colStart + d))) {
    throw new RangeError(
      `ownerMatrixTimesShared: ${sharedCols} shared columns, need ${colStart + d} (at least 1)`,
    );
  }
  if (shared.length % sharedCols !== 0) {
    throw new RangeError(
      `ownerMatrixTimesShared: shared length ${shared.length} not k × ${sharedCols}`,
    );
  }
  const k = shared.length / sharedCols;
  if ((ctx.role === owner) !== (matrix !== null)) {
    throw new Error("ownerMatrixTimesShared: exactly the owner passes its matrix");
  }
  if (matrix !== null && matrix.length !== n * d) {
    throw new RangeError(
      `ownerMatrixTimesShared: matrix has ${matrix.length} values, not ${n * d}`,
    );
  }
  const out = new BigUint64Array(n * k);
  if (n === 0 || d === 0 || k === 0) return out;
  const c = (j: number, l: number) => shared[j * sharedCols + colStart + l];
  let cross: BigUint64Array;
  if (matrix !== null) {
    // Scalar (j, l) is C_p[j, l]; its correlation vector is the column X[:, l].
    const vectors = new BigUint64Array(k * d * n);
    for (let j = 0; j < k; j++) {
      for (let l = 0; l < d; l++) {
        const base = (j * d + l) * n;
        for (let i = 0; i < n; i++) vectors[base + i] = matrix[i * d + l];
      }
    }
    // Local part X · C_oᵀ (the BigUint64Array store reduces mod 2^64).
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0n;
        for (let l = 0; l < d; l++) s += matrix[i * d + l] * c(j, l);
        out[i * k + j] = s;
      }
    }
    cross = await gilboaSender(ctx, vectors, n);
  } else {
    const scalars = new BigUint64Array(k * d);
    for (let j = 0; j < k; j++) {
      for (let l = 0; l < d; l++) scalars[j * d + l] = c(j, l);
    }
    cross = await gilboaReceiver(ctx, scalars, n);
  }
  // Row (j, l) of `cross` holds shares of C_p[j, l] · X[:, l]; summing over l gives column j.
  for (let j = 0; j < k; j++) {
    for (let l = 0; l < d; l++) {
      const base = (j * d + l) * n;
      for (let i = 0; i < n; i++) out[i * k + j] += cross[base + i];
    }
  }
  return out;
}
