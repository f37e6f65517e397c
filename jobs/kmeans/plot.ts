/**
 * `deno task party --plot PATH.svg` (the party takes the launcher's options): an SVG
 * of what this party may see after a run — its own rows coloured by their revealed labels
 * with the final centroids (vertical: the centroid coordinates of its own features), or the
 * elbow curve of a `--k A..B` sweep.
 *
 * Security: draws only this party's own data and values the run revealed to it.
 *
 * @module
 */

import { errorLine, InputError } from "../../core/errors.ts";
import { isElbowResult, type KmeansPartyResult } from "./result.ts";
import type { Partition } from "../../kmeans/secure/layout.ts";

/** This party's own plaintext rows (file order) and where its features sit in the model. */
export interface PartyPlotInput {
  /** Output path (checked up front by the job's prepare step). */
  path: string;
  /** Own rows, row-major, in file order, data units. */
  rows: Float64Array;
  /** Own row count. */
  n: number;
  /** Own feature count. */
  d: number;
  /** Own feature names. */
  featureNames: readonly string[];
  /** Partition of the run. */
  partition: Partition;
  /** Vertical: index of this party's first feature in the joint centroid (A's come first). */
  firstFeature: number;
}

/** Renders the plot for the job's JSON `result` and writes it; one-line error on failure. */
export async function writePartyPlot(
  input: PartyPlotInput,
  result: KmeansPartyResult,
): Promise<void> {
  const { elbowPlotSvg, scatterPlotSvg } = await import("../../kmeans/plot.ts");
  let svg: string;
  if (isElbowResult(result)) {
    svg = await elbowPlotSvg(result.elbow, { title: "secure elbow: inertia against k" });
  } else {
    const centroids = result.centroids;
    const own = new Float64Array(centroids.length * input.d);
    centroids.forEach((c, j) =>
      own.set(c.slice(input.firstFeature, input.firstFeature + input.d), j * input.d)
    );
    svg = await scatterPlotSvg({
      data: { rows: input.rows, n: input.n, d: input.d },
      featureNames: input.featureNames,
      labels: Int32Array.from(result.labels),
      centroids: own,
      k: centroids.length,
      title: `secure k-means: this party's ${input.n} rows (${input.partition} partition)`,
    });
  }
  try {
    await Deno.writeTextFile(input.path, svg);
  } catch (error) {
    throw new InputError(`cannot write --plot ${input.path}: ${errorLine(error)}`);
  }
}
