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
 * independent of n; the correction words are n·2080 bits per scalar.
 *
 * k-means uses it for ⟨x_i, c_j⟩ (X = the owner's points, C = the shared centroids) and for
 * the centroid numerators (X = the owner's points transposed, C = shared one-hot assignments).
 *
 * Security (semi-honest): X enters only as OT correlations, C_p only as OT choice bits, both
 * hidden by the OT extension; the outputs are fresh additive shares (the peer's is uniform,
 * being a sum of correlated-OT outputs with uniform masks). Nothing is revealed.
 *
 * @module
 */

import type { MpcContext, Role } from "./context.ts";
import { gilboaReceiver, gilboaSender } from "./gilboa.ts";

/** Shape of the owner's matrix X. */
export interface MatrixShape {
  /** Rows n of X (public). */
  rows: number;
  /** Columns d of X, equal to the columns of the shared matrix (public). */
  cols: number;
}

/**
 * Shares of X · Cᵀ (n × k, row-major) where party `owner` holds X (n × d, row-major; the
 * other party passes `null`) and `shared` is this party's share of C (k × d, row-major).
 * Both parties pass the same `shape`. k sequential OT batches, owner as OT sender.
 */
export async function ownerMatrixTimesShared(
  ctx: MpcContext,
  owner: Role,
  matrix: BigUint64Array | null,
  shared: BigUint64Array,
  shape: MatrixShape,
): Promise<BigUint64Array> {
  const { rows: n, cols: d } = shape;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 1) {
    throw new RangeError(`ownerMatrixTimesShared: bad shape ${n} × ${d}`);
  }
  if (shared.length % d !== 0) {
    throw new RangeError(`ownerMatrixTimesShared: shared length ${shared.length} not k × ${d}`);
  }
  const k = shared.length / d;
  const isOwner = ctx.role === owner;
  if (isOwner !== (matrix !== null)) {
    throw new Error("ownerMatrixTimesShared: exactly the owner passes its matrix");
  }
  if (matrix !== null && matrix.length !== n * d) {
    throw new RangeError(
      `ownerMatrixTimesShared: matrix has ${matrix.length} values, not ${n * d}`,
    );
  }
  const out = new BigUint64Array(n * k);
  if (n === 0 || k === 0) return out;

  let columns: BigUint64Array | null = null;
  if (matrix !== null) {
    // Xᵀ (d × n): row l is the correlation vector for every scalar C_p[j, l].
    columns = new BigUint64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < d; l++) columns[l * n + i] = matrix[i * d + l];
    }
    // Local part X · C_oᵀ.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0n;
        for (let l = 0; l < d; l++) {
          s = BigInt.asUintN(64, s + matrix[i * d + l] * shared[j * d + l]);
        }
        out[i * k + j] = s;
      }
    }
  }
  for (let j = 0; j < k; j++) {
    // d × n shares of C_p[j, l] · X[:, l]; summing over l gives column j of X · C_pᵀ.
    const cross = columns !== null
      ? await gilboaSender(ctx, columns, n)
      : await gilboaReceiver(ctx, shared.subarray(j * d, (j + 1) * d), n);
    for (let l = 0; l < d; l++) {
      const base = l * n;
      for (let i = 0; i < n; i++) out[i * k + j] += cross[base + i];
    }
  }
  return out;
}
