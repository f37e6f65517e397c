/**
 * The assignment step of secure k-means: exact shared distances and a one-hot argmin.
 *
 * Distances (scale 2^2f, exact in Z_2^64, no truncation, so exact ties stay ties):
 * - "dot" (default): D_ij = ‖ĉ_j‖² − 2⟨x̂_i, ĉ_j⟩. ‖ĉ_j‖² by Beaver squaring (square pairs);
 *   ⟨x̂_i, ĉ_j⟩ as Σ over the two owner blocks of X_b · C[:, cols_b]ᵀ: the owner multiplies its
 *   rows by its own centroid share locally, and the cross term with the peer's share is one
 *   batched vector-OLE (Gilboa 1999; SecureML, Mohassel & Zhang 2017): for each of the peer's
 *   k·d_b shared scalars, 64 correlated OTs whose messages are the owner's whole column.
 * - "square": D_ij = Σ_t (x̂_it − ĉ_jt)², the original design, with n·k·d square pairs.
 * Both give the same argmin (they differ by ‖x̂_i‖², constant per row).
 *
 * Argmin: a tournament over the k candidates of every row, all rows in one batch per level
 * (s = [D_b < D_a], strict, so ties keep the lower index, as the plaintext reference does);
 * the minimum moves up by a bit × shared-value product. The one-hot vector is then expanded
 * top-down with one AND layer per level (left child = w ⊕ (w ∧ s), right = w ∧ s).
 *
 * Security (semi-honest): sub-protocol outputs are fresh shares; nothing is opened.
 *
 * @module
 */

import { gilboaReceiver, gilboaSender } from "../protocol/gilboa.ts";
import { bitWords } from "../protocol/binary.ts";
import type { MpcContext } from "../protocol/context.ts";
import type { JointLayout, OwnerBlock } from "./secure_layout.ts";
import type { SecureOps } from "./secure_ops.ts";

/** Which distance expression the assignment compares. */
export type DistanceForm = "dot" | "square";

/** This party's own data: its block's values, row-major (rowCount × colCount), at scale f. */
export type OwnData = BigUint64Array;

/** Shares of X_b · C[:, cols_b]ᵀ (rowCount × k) for block `block`. */
async function blockTimesCentroids(
  ctx: MpcContext,
  block: OwnerBlock,
  own: OwnData | null,
  centroids: BigUint64Array,
  k: number,
  d: number,
): Promise<BigUint64Array> {
  const { rowCount: rows, colCount: cols, colStart } = block;
  const out = new BigUint64Array(rows * k);
  if (rows === 0 || cols === 0) return out;
  if (ctx.role === block.owner) {
    if (own === null) throw new Error("owner block data missing");
    const vectors = new BigUint64Array(k * cols * rows);
    for (let j = 0; j < k; j++) {
      for (let l = 0; l < cols; l++) {
        const base = (j * cols + l) * rows;
        for (let i = 0; i < rows; i++) vectors[base + i] = own[i * cols + l];
      }
    }
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0n;
        for (let l = 0; l < cols; l++) s += own[i * cols + l] * centroids[j * d + colStart + l];
        out[i * k + j] = s;
      }
    }
    const cross = await gilboaSender(ctx, vectors, rows);
    addCross(cross, out, rows, cols, k);
  } else {
    const scalars = new BigUint64Array(k * cols);
    for (let j = 0; j < k; j++) {
      for (let l = 0; l < cols; l++) scalars[j * cols + l] = centroids[j * d + colStart + l];
    }
    const cross = await gilboaReceiver(ctx, scalars, rows);
    addCross(cross, out, rows, cols, k);
  }
  return out;
}

function addCross(
  cross: BigUint64Array,
  out: BigUint64Array,
  rows: number,
  cols: number,
  k: number,
): void {
  for (let j = 0; j < k; j++) {
    for (let l = 0; l < cols; l++) {
      const base = (j * cols + l) * rows;
      for (let i = 0; i < rows; i++) out[i * k + j] += cross[base + i];
    }
  }
}

/** Shares of the n × k distance matrix (scale 2^2f) for shared centroids (k × d). */
export async function secureDistances(
  ctx: MpcContext,
  ops: SecureOps,
  layout: JointLayout,
  own: OwnData,
  centroids: BigUint64Array,
  k: number,
  form: DistanceForm,
): Promise<BigUint64Array> {
  const { n, d } = layout;
  const out = new BigUint64Array(n * k);
  if (form === "dot") {
    const squares = await ops.square(ctx, centroids);
    const norms = new BigUint64Array(k);
    for (let j = 0; j < k; j++) {
      for (let t = 0; t < d; t++) norms[j] += squares[j * d + t];
    }
    for (let i = 0; i < n; i++) out.set(norms, i * k);
    for (const block of layout.blocks) {
      const mine = ctx.role === block.owner ? own : null;
      const products = await blockTimesCentroids(ctx, block, mine, centroids, k, d);
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
  const squares = await ops.square(ctx, diffs);
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

/** A shared one-hot assignment and the minimum distance per row. */
export interface SharedAssignment {
  /** XOR shares of the n × k one-hot bits (bit i·k + j), packed. */
  oneHot: Uint32Array;
  /** Shares of min_j D_ij per row (n). */
  minimum: BigUint64Array;
}

/** Packs a 0/1 array into words. */
function packBits(values: Uint8Array): Uint32Array {
  const out = new Uint32Array(bitWords(values.length));
  for (let i = 0; i < values.length; i++) out[i >>> 5] |= values[i] << (i & 31);
  return out;
}

function unpackBits(words: Uint32Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = (words[i >>> 5] >>> (i & 31)) & 1;
  return out;
}

/**
 * One-hot argmin of each row of the shared n × k matrix `values` (ties: lowest index), for
 * differences bounded by |D_a − D_b| < 2^(bits−1).
 */
export async function secureArgmin(
  ctx: MpcContext,
  ops: SecureOps,
  values: BigUint64Array,
  n: number,
  k: number,
  bits: number,
): Promise<SharedAssignment> {
  // Candidates per row at the current level: their values (n × width) and, per level, the
  // comparison bits of each pair (n × pairs).
  let width = k;
  let current = values;
  const levels: { width: number; pairs: number; bits: Uint8Array }[] = [];
  while (width > 1) {
    const pairs = width >>> 1;
    const next = Math.ceil(width / 2);
    const diff = new BigUint64Array(n * pairs);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < pairs; p++) {
        diff[i * pairs + p] = current[i * width + 2 * p + 1] - current[i * width + 2 * p];
      }
    }
    const s = await ops.signBits(ctx, diff, bits); // [D_b − D_a < 0]
    const moved = await ops.bitTimesShared(ctx, s, n * pairs, diff, 1); // s·(D_b − D_a)
    const reduced = new BigUint64Array(n * next);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < pairs; p++) {
        reduced[i * next + p] = current[i * width + 2 * p] + moved[i * pairs + p];
      }
      if (width % 2 === 1) reduced[i * next + pairs] = current[i * width + width - 1];
    }
    levels.push({ width, pairs, bits: unpackBits(s, n * pairs) });
    current = reduced;
    width = next;
  }
  // Top-down expansion: w holds the XOR shares of "this candidate wins" at each level.
  let w = new Uint8Array(n); // width 1: the root always wins (party 0 holds 1)
  if (ctx.role === 0) w.fill(1);
  for (let level = levels.length - 1; level >= 0; level--) {
    const { width: below, pairs, bits: s } = levels[level];
    const above = Math.ceil(below / 2);
    // w of each pair's parent, aligned with the pair bits.
    const parent = new Uint8Array(n * pairs);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < pairs; p++) parent[i * pairs + p] = w[i * above + p];
    }
    let right: Uint8Array;
    if (level === levels.length - 1) {
      // The root's w is the public 1, so w ∧ s = s.
      right = s;
    } else {
      right = unpackBits(await ops.and(ctx, packBits(parent), packBits(s)), n * pairs);
    }
    const next = new Uint8Array(n * below);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < pairs; p++) {
        const r = right[i * pairs + p];
        next[i * below + 2 * p] = parent[i * pairs + p] ^ r;
        next[i * below + 2 * p + 1] = r;
      }
      if (below % 2 === 1) next[i * below + below - 1] = w[i * above + pairs];
    }
    w = next;
  }
  return { oneHot: packBits(w), minimum: current };
}
