/**
 * What the k-means launch checks itself before any party starts: the `--init rows:` list
 * against the largest k, writable `--json`/`--plot` paths, both CSVs loaded with the selected
 * columns exactly as the parties will load them (horizontal: the same names in the same order),
 * unique and matching IDs (vertical), every value inside the public bound, the init rows
 * against the joint data, and the job against the memory budget. A bad input is then one line
 * and exit 2 instead of a party failing mid-session.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import { checkOutputPath } from "../../core/files.ts";
import { type Dataset, loadCsv, splitFeatureList } from "../../data/csv.ts";
import { encodeFixedPoint } from "../../kmeans/fixed_reference.ts";
import { chooseInitialRows, parseInit } from "../../kmeans/init.ts";
import { checkValueBound, type Partition, secureBounds } from "../../kmeans/secure/layout.ts";
import { checkUniqueIds } from "../../kmeans/secure/vertical.ts";
import { checkJobSize, type KmeansJobParams } from "../../jobs/kmeans/params.ts";
import { type FlagValues, stringFlag } from "../main.ts";

/** The largest k of the run (the only k unless an elbow sweep). */
export function largestK(params: KmeansJobParams): number {
  return params.kValues[params.kValues.length - 1];
}

/** Checks what needs no data: enough `--init rows:` for every k, and the output paths. */
export function checkLaunchOptions(values: FlagValues, params: KmeansJobParams): void {
  const init = parseInit(String(values.init ?? "random"));
  if (init.kind === "rows" && init.rows.length < largestK(params)) {
    throw new InputError(
      `--init rows: lists ${init.rows.length} rows, k goes up to ${largestK(params)}`,
    );
  }
  const json = stringFlag(values, "json");
  const plot = stringFlag(values, "plot");
  if (json !== undefined) checkOutputPath(json, "--json");
  if (plot !== undefined) checkOutputPath(plot, "--plot", { extension: ".svg" });
}

/** Each party's feature list: its own `--features-a`/`--features-b`, else `--features`. */
export function launchFeatures(values: FlagValues, partition: Partition): [string, string] {
  const featuresOf = (flag: "features-a" | "features-b") => {
    const own = values[flag] ?? values.features;
    if (typeof own !== "string") {
      throw new InputError(
        partition === "vertical"
          ? "the vertical partition needs --features-a and --features-b"
          : "give --features NAME,NAME,...",
      );
    }
    return own;
  };
  return [featuresOf("features-a"), featuresOf("features-b")];
}

/** Options of {@link loadAndCheckInputs}. */
export interface InputCheckOptions {
  /** Party A's and party B's CSV. */
  files: [string, string];
  /** Party A's and party B's feature lists (CSV syntax). */
  features: [string, string];
  /** The ID column, if any. */
  id?: string;
  /** The job's parameters (partition, fixed-point encoding, value bound). */
  params: KmeansJobParams;
}

/**
 * Loads both parties' files exactly as the parties will (same columns, ID column, fixed-point
 * encoding and value bound) so input errors surface here, in one line, before any party runs.
 */
export async function loadAndCheckInputs(options: InputCheckOptions): Promise<[Dataset, Dataset]> {
  const { files, features, id, params } = options;
  const data: Dataset[] = [];
  for (const [role, flag] of [[0, "features-a"], [1, "features-b"]] as const) {
    const names = splitFeatureList(features[role], `--${flag}`);
    const loaded = await loadCsv(files[role], { features: names, id });
    if (loaded.ids) checkUniqueIds(loaded.ids, files[role]);
    const bounds = secureBounds(params.fractionalBits, params.valueBits, loaded.d);
    checkValueBound(encodeFixedPoint(loaded.rows, params.fractionalBits), bounds, files[role]);
    data.push(loaded);
  }
  const [a, b] = data;
  if (params.partition === "vertical" && a.ids && b.ids) checkSameIds(a.ids, b.ids);
  if (
    params.partition === "horizontal" && a.featureNames.join("\n") !== b.featureNames.join("\n")
  ) {
    throw new InputError(
      `horizontal partition: the features differ: party A selects ` +
        `${JSON.stringify(a.featureNames)}, party B ${JSON.stringify(b.featureNames)}`,
    );
  }
  return [a, b];
}

/** Vertical: both files must hold the same IDs. */
function checkSameIds(idsOfA: readonly string[], idsOfB: readonly string[]): void {
  const inA = new Set(idsOfA);
  const inB = new Set(idsOfB);
  const missingInB = idsOfA.filter((x) => !inB.has(x)).length;
  const missingInA = idsOfB.filter((x) => !inA.has(x)).length;
  if (missingInB > 0 || missingInA > 0) {
    // Same wording as the parties' join (kmeans/vertical.ts), which reveals only these counts.
    throw new InputError(
      `vertical join on the ID column failed: ${missingInB} ID(s) of party A are missing at ` +
        `party B and ${missingInA} ID(s) of party B are missing at party A (both files must ` +
        `hold the same IDs)`,
    );
  }
}

/** Checks every k's initial rows against the joint data (`n` × `d`) and the memory budget. */
export function checkInitAndSize(
  params: KmeansJobParams,
  joint: { readonly n: number; readonly d: number },
): void {
  const { n, d } = joint;
  const init = parseInit(params.init);
  for (const k of params.kValues) {
    // Only the checks matter here (k <= n; rows in range, distinct, k of them): random and
    // kmeans++ draw later from the public seed, so a cheap random draw stands in for them.
    const method = init.kind !== "rows"
      ? { kind: "random" as const }
      : params.kValues.length > 1
      ? { kind: "rows" as const, rows: init.rows.slice(0, k) }
      : init;
    chooseInitialRows(new Float64Array(0), n, d, k, method, 0);
  }
  checkJobSize(n, largestK(params), d);
}
