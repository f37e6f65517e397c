/**
 * The plaintext side of the k-means launch. The launcher holds both parties' files (it runs
 * both parties on one machine), so it can rebuild the joint matrix the protocol clusters, find
 * the initial rows the secure run used (for kmeans++ by replaying its public draws) and run the
 * plaintext fixed-point reference from them.
 *
 * Security: runs outside the protocol, with both inputs, by construction.
 *
 * @module
 */

import { EXIT_FAILURE, InputError } from "../../core/errors.ts";
import type { Dataset } from "../../data/csv.ts";
import { encodeFixedPoint, kmeansFixed } from "../../kmeans/fixed_reference.ts";
import { fixedKmeansPlusPlus, kmeansPlusPlusDraws } from "../../kmeans/init.ts";
import { kmeansPlusPlusPlan } from "../../kmeans/secure/init.ts";
import type { KMeansResult } from "../../kmeans/options.ts";
import type { Partition } from "../../kmeans/secure/layout.ts";
import { isKmeansPlusPlus } from "../../kmeans/secure/options.ts";
import type { KmeansJobParams } from "../../jobs/kmeans/params.ts";
import type { KmeansRunResult } from "../../jobs/kmeans/result.ts";
import { ExitError } from "../main.ts";

/** Row-major rows of the joint data. */
export interface JointMatrix {
  /** n × d values, row-major. */
  rows: Float64Array;
  /** Rows. */
  n: number;
  /** Features. */
  d: number;
}

/** The joint matrix as the protocol sees it (A's rows then B's, or joined in A's order). */
export function jointMatrix(partition: Partition, a: Dataset, b: Dataset): JointMatrix {
  if (partition === "horizontal") {
    if (a.d !== b.d) throw new InputError(`the two files select ${a.d} and ${b.d} features`);
    const rows = new Float64Array((a.n + b.n) * a.d);
    rows.set(a.rows);
    rows.set(b.rows, a.n * a.d);
    return { rows, n: a.n + b.n, d: a.d };
  }
  if (!a.ids || !b.ids) throw new InputError("the vertical partition needs --id");
  const index = new Map(b.ids.map((id, i) => [id, i]));
  const d = a.d + b.d;
  const rows = new Float64Array(a.n * d);
  for (let i = 0; i < a.n; i++) {
    const j = index.get(a.ids[i]);
    if (j === undefined) throw new InputError(`ID ${a.ids[i]} of party A is missing at party B`);
    rows.set(a.rows.subarray(i * a.d, (i + 1) * a.d), i * d);
    rows.set(b.rows.subarray(j * b.d, (j + 1) * b.d), i * d + a.d);
  }
  return { rows, n: a.n, d };
}

/** Options of {@link referenceRun}. */
export interface ReferenceRunOptions {
  /** The joint data. */
  matrix: JointMatrix;
  /** The job's parameters (single k, max-iter, tol, fractional bits). */
  params: KmeansJobParams;
  /** The initial rows of the secure run, in `matrix` order. */
  initialRows: number[];
}

/** The fixed-point reference from the secure run's initial rows. */
export function referenceRun(options: ReferenceRunOptions): KMeansResult {
  const { matrix, params, initialRows } = options;
  return kmeansFixed(matrix, {
    k: params.kValues[0],
    maxIter: params.maxIter,
    tol: params.tol,
    init: { kind: "rows", rows: initialRows },
    seed: 0,
    arithmetic: "fixed",
    fracBits: params.fractionalBits,
  }, initialRows);
}

/** Options of {@link kmeansPlusPlusReferenceRows}. */
export interface KmeansPlusPlusReplayOptions {
  /** The joint data. */
  matrix: JointMatrix;
  /** Clusters. */
  k: number;
  /** Fractional bits of the fixed-point encoding. */
  fracBits: number;
  /** Public bound on |x|, in bits. */
  valueBits: number;
  /** The public init seed of the secure run. */
  initSeed: number;
  /** Vertical: party A's joined-position → A's-file-row map. */
  joinedOrder?: readonly number[];
}

/**
 * The rows (in `matrix` order) that secure kmeans++ chose, replayed by the fixed-point
 * reference from the public seed: the D² prefix sums run in the protocol's row order, which
 * for the vertical join is party A's `joinedOrder` (joined position → A's file row).
 */
export function kmeansPlusPlusReferenceRows(options: KmeansPlusPlusReplayOptions): number[] {
  const { matrix, k, fracBits, valueBits, initSeed, joinedOrder } = options;
  const { n, d } = matrix;
  const order = joinedOrder ?? Array.from({ length: n }, (_, i) => i);
  if (order.length !== n) throw new Error(`joined order lists ${order.length} of ${n} rows`);
  const joined = new Float64Array(n * d);
  order.forEach((row, p) => joined.set(matrix.rows.subarray(row * d, (row + 1) * d), p * d));
  const plan = kmeansPlusPlusPlan(n, d, fracBits, valueBits);
  const draws = kmeansPlusPlusDraws(initSeed, n, k, plan.drawBits);
  const encoded = encodeFixedPoint(joined, fracBits);
  return fixedKmeansPlusPlus(encoded, n, d, k, draws, plan.drawBits, plan.truncationBits)
    .map((p) => order[p]);
}

/**
 * The initial rows of the secure run in `matrix` order: party A's `initialRows`, or for
 * kmeans++ (whose rows stay secret) the launcher's replay of the public draws.
 */
export function secureInitialRows(
  matrix: JointMatrix,
  params: KmeansJobParams,
  a: KmeansRunResult,
): number[] {
  if (!isKmeansPlusPlus(params.init)) return a.initialRows;
  const vertical = params.partition === "vertical";
  if (a.initSeed === undefined || (vertical && a.joinedOrder === undefined)) {
    throw new ExitError(
      "party A's result lacks the kmeans++ init seed or joined order",
      EXIT_FAILURE,
    );
  }
  return kmeansPlusPlusReferenceRows({
    matrix,
    k: params.kValues[0],
    fracBits: params.fractionalBits,
    valueBits: params.valueBits,
    initSeed: a.initSeed,
    joinedOrder: vertical ? a.joinedOrder : undefined,
  });
}
