/**
 * What the k-means launch prints and writes once both parties have finished.
 *
 * Elbow sweep (`--k A..B`): the inertia of every k, the totals, and optionally the elbow plot
 * and the JSON. One k: the plaintext reference from the secure run's initial rows, the
 * side-by-side table, timings and traffic, optionally the JSON and a scatter plot of the whole
 * joint clustering, and exit code 3 (one `error:` line) when the secure labels differ from the
 * reference.
 *
 * @module
 */

import { EXIT_FAILURE, InputError } from "../../core/errors.ts";
import type { Dataset } from "../../data/csv.ts";
import type { KmeansJobParams } from "../../jobs/kmeans/params.ts";
import {
  isElbowResult,
  type KmeansElbowResult,
  type KmeansRunResult,
} from "../../jobs/kmeans/result.ts";
import { isKmeansPlusPlus } from "../../kmeans/secure/options.ts";
import { ExitError } from "../main.ts";
import { centroidRows, compareWithReference, type LaunchComparison } from "./compare.ts";
import { type JointMatrix, referenceRun, secureInitialRows } from "./reference.ts";
import type { PartyRun } from "./run.ts";

/** Exit code when the secure labels differ from the plaintext reference. */
export const EXIT_LABELS_DIFFER = 3;

/** Decimals of the printed seconds. */
const SECONDS_DECIMALS = 3;

/** Decimals of the printed elbow inertias. */
const INERTIA_DECIMALS = 4;

/** Width of the k column of the elbow table. */
const K_COLUMN_WIDTH = 3;

/** Where the launch writes its outputs (paths already checked by cli/launch/validate.ts). */
export interface LaunchOutputs {
  /** `--json`. */
  json?: string;
  /** `--plot` (SVG). */
  plot?: string;
}

/** Options of {@link reportElbow}. */
export interface ElbowReportOptions {
  /** Both parties' results and the wall time. */
  run: PartyRun;
  /** What the run revealed (the launcher's list, printed before the start). */
  revealed: string[];
  /** Output paths. */
  outputs: LaunchOutputs;
}

/** Prints and writes the result of a secure elbow sweep. */
export async function reportElbow(options: ElbowReportOptions): Promise<void> {
  const { run, revealed, outputs } = options;
  const [a] = resultsOfKind(run, "elbow");
  const stats = launchStats(run);
  console.log("k   inertia");
  for (const { k, inertia } of a.elbow) {
    console.log(`${String(k).padEnd(K_COLUMN_WIDTH)} ${inertia.toFixed(INERTIA_DECIMALS)}`);
  }
  console.log(
    `total ${run.seconds.toFixed(SECONDS_DECIMALS)} s (both processes), ` +
      `${stats.bytesSent} bytes sent per party (max)`,
  );
  if (outputs.plot !== undefined) {
    const { elbowPlotSvg } = await import("../../kmeans/plot.ts");
    await writeOutput(outputs.plot, "--plot", await elbowPlotSvg(a.elbow));
  }
  if (outputs.json !== undefined) {
    await writeJson(outputs.json, { elbow: a.elbow, revealed, stats });
  }
}

/** Options of {@link reportClustering}. */
export interface ClusteringReportOptions {
  /** Both parties' results and the wall time. */
  run: PartyRun;
  /** The job's parameters. */
  params: KmeansJobParams;
  /** Party A's and party B's data as the launcher loaded them. */
  data: [Dataset, Dataset];
  /** The joint data the protocol clustered. */
  matrix: JointMatrix;
  /** Output paths. */
  outputs: LaunchOutputs;
}

/**
 * Runs the reference, prints the comparison, writes the outputs; throws an {@link ExitError}
 * with {@link EXIT_LABELS_DIFFER} when labels differ.
 */
export async function reportClustering(options: ClusteringReportOptions): Promise<void> {
  const { run, params, matrix, outputs } = options;
  const results = resultsOfKind(run, "clustering");
  const [a, b] = results;
  // kmeans++: the launcher (holding both inputs) replays the public draws on the reference.
  const initialRows = secureInitialRows(matrix, params, a);
  const reference = referenceRun({ matrix, params, initialRows });
  const comparison = compareWithReference({
    partition: params.partition,
    matrix,
    results,
    reference,
  });
  const stats = launchStats(run);
  console.log("");
  console.log(comparison.table);
  console.log(
    `total ${run.seconds.toFixed(SECONDS_DECIMALS)} s for both processes (start-up, OT setup, ` +
      `preprocessing, iterations); sent A ${a.stats.bytesSent} B ${b.stats.bytesSent} bytes; ` +
      `rounds ${stats.rounds}`,
  );
  if (isKmeansPlusPlus(params.init)) {
    const [initA, initB] = [a.stats.byPhase.init, b.stats.byPhase.init];
    console.log(
      `kmeans++ init: ${a.initSeconds?.toFixed(SECONDS_DECIMALS)} s, sent A ${initA?.bytesSent} ` +
        `B ${initB?.bytesSent} bytes, rounds ${initB?.rounds}; reference rows ` +
        `${initialRows.join(",")} (launcher only: it holds both inputs)`,
    );
  }
  for (const [name, r] of [["A", a], ["B", b]] as const) {
    const s = r.stats;
    console.log(
      `party ${name}: offline ${s.offlineSeconds.toFixed(SECONDS_DECIMALS)} s, online ` +
        `${s.onlineSeconds.toFixed(SECONDS_DECIMALS)} s, job ${
          s.seconds.toFixed(SECONDS_DECIMALS)
        } s`,
    );
  }
  if (outputs.json !== undefined) {
    await writeJson(outputs.json, {
      centroids: a.centroids,
      labelsA: a.labels,
      // Vertical: each party reports labels in its own file order; the launcher holds both
      // files, so it lists B's in A's order.
      labelsB: params.partition === "vertical"
        ? inOrderOf(options.data[0].ids!, options.data[1].ids!, b.labels)
        : b.labels,
      nIter: a.nIter,
      revealed: a.revealed,
      stats,
      reference: {
        centroids: centroidRows(reference, params.kValues[0], matrix.d),
        labels: Array.from(reference.labels),
      },
      differingLabels: comparison.differingLabels,
      maxCentroidError: comparison.maxCentroidError,
    });
  }
  if (outputs.plot !== undefined) await writeScatterPlot(options, comparison, outputs.plot);
  if (comparison.differingLabels !== 0) {
    throw new ExitError(
      `${comparison.differingLabels} of ${matrix.n} secure labels differ from the plaintext ` +
        `reference (exit ${EXIT_LABELS_DIFFER}; see the table above)`,
      EXIT_LABELS_DIFFER,
    );
  }
}

/** The whole joint clustering (the launcher's `--plot`), coloured by the secure labels. */
async function writeScatterPlot(
  options: ClusteringReportOptions,
  comparison: LaunchComparison,
  path: string,
): Promise<void> {
  const { run, params, data, matrix } = options;
  const [a] = resultsOfKind(run, "clustering");
  const { scatterPlotSvg } = await import("../../kmeans/plot.ts");
  const names = [
    ...data[0].featureNames,
    ...(params.partition === "vertical" ? data[1].featureNames : []),
  ];
  const svg = await scatterPlotSvg({
    data: matrix,
    featureNames: names,
    labels: Int32Array.from(comparison.labels),
    centroids: Float64Array.from(a.centroids.flat()),
    k: params.kValues[0],
    title: "secure k-means (two parties)",
  });
  await writeOutput(path, "--plot", svg);
}

/** Both results as the kind the parameters asked for; a mismatch is a party failure. */
function resultsOfKind(run: PartyRun, kind: "elbow"): [KmeansElbowResult, KmeansElbowResult];
function resultsOfKind(run: PartyRun, kind: "clustering"): [KmeansRunResult, KmeansRunResult];
function resultsOfKind(
  run: PartyRun,
  kind: "elbow" | "clustering",
): [KmeansElbowResult | KmeansRunResult, KmeansElbowResult | KmeansRunResult] {
  const [a, b] = run.results;
  if (isElbowResult(a) !== (kind === "elbow") || isElbowResult(b) !== (kind === "elbow")) {
    throw new ExitError(`a party's result is not the expected ${kind} result`, EXIT_FAILURE);
  }
  return [a, b];
}

/** The launch's traffic and time: the larger party's counters plus both parties' own. */
function launchStats(run: PartyRun) {
  const [a, b] = run.results;
  return {
    seconds: run.seconds,
    bytesSent: Math.max(a.stats.bytesSent, b.stats.bytesSent),
    rounds: Math.max(a.stats.rounds, b.stats.rounds),
    parties: { A: a.stats, B: b.stats },
  };
}

/** `labels` (in the order of `ids`) rearranged into the order of `targetIds`. */
function inOrderOf(targetIds: string[], ids: string[], labels: number[]): number[] {
  const index = new Map(ids.map((id, i) => [id, i]));
  return targetIds.map((id) => labels[index.get(id)!]);
}

function writeJson(path: string, value: unknown): Promise<void> {
  return writeOutput(path, "--json", JSON.stringify(value, null, 2) + "\n");
}

async function writeOutput(path: string, flag: string, text: string): Promise<void> {
  try {
    await Deno.writeTextFile(path, text);
  } catch (error) {
    throw new InputError(
      `cannot write ${flag} ${path}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  console.log(`wrote ${path}`);
}
