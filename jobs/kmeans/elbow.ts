/**
 * The secure elbow sweep of the k-means job: one secure Lloyd run per k of
 * `--k A..B`, opening only each run's final inertia (and the per-iteration convergence bits).
 *
 * Every k's initial rows are validated before the first run, exactly as the single-k path
 * validates its own, so a bad `--init rows:` list fails before any secure work. With
 * k-means++ the first k centres of the largest-k initialisation are k's own centres (they are
 * drawn in order), so one secure initialisation serves the whole sweep.
 *
 * @module
 */

import { chooseInitialRows, type InitMethod } from "../../kmeans/init.ts";
import type { ElbowPoint, KmeansStats } from "./result.ts";
import type { SecureRun } from "./secure_run.ts";
import { jobStats } from "./stats.ts";
import { secureKmeans } from "../../kmeans/secure/lloyd.ts";

/** Runs the sweep; resolves to `{elbow: [{k, inertia, nIter}], stats}` (caller adds revealed). */
export async function runElbow(
  run: SecureRun,
  options: { init: InitMethod; initialCentroids?: BigUint64Array },
): Promise<{ elbow: ElbowPoint[]; stats: KmeansStats }> {
  const { ctx, job, params, layout, own, initSeed, started } = run;
  const { init, initialCentroids } = options;
  const sweep: ElbowPoint[] = [];
  let offline = 0;
  let online = 0;
  const initialRows = params.kValues.map((k) =>
    initialCentroids ? [] : chooseInitialRows(
      new Float64Array(0),
      layout.n,
      layout.d,
      k,
      init.kind === "rows" ? { kind: "rows", rows: init.rows.slice(0, k) } : init,
      initSeed,
    )
  );
  for (const [index, k] of params.kValues.entries()) {
    const result = await secureKmeans(ctx, layout, own, {
      k,
      maxIter: params.maxIter,
      tol: params.tol,
      initialRows: initialRows[index],
      initialCentroids: initialCentroids?.slice(0, k * layout.d),
      init: params.init,
      reveal: params.reveal,
      distance: params.distance,
      revealInertia: true,
      revealFinalSizes: false,
      fractionalBits: params.fractionalBits,
      valueBits: params.valueBits,
      inertiaOnly: true,
    });
    offline += result.offlineSeconds;
    online += result.onlineSeconds;
    sweep.push({ k, inertia: result.inertia!, nIter: result.nIter });
    job.log(`k = ${k}: inertia ${result.inertia!.toFixed(4)} after ${result.nIter} updates`);
  }
  const stats = jobStats(ctx.channel.stats.snapshot(), started, {
    offlineSeconds: offline,
    onlineSeconds: online,
  });
  return { elbow: sweep, stats };
}
