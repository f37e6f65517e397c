/**
 * The k-means launch's flags completed before anything is checked: the Mall demo (see
 * cli/demo.ts) when no data options are given, and the public `--init-seed` that the harness
 * `--seed S` implies.
 *
 * Demo defaults: horizontal, Mall data rows 1–100 for party A and 101–200 for party B, features
 * Annual Income and Spending Score; vertical, party A holds Annual Income and party B Spending
 * Score of the whole file, joined on CustomerID. Both: k = 5, `--init rows:0,40,80,120,160`
 * (random for an elbow sweep `--k A..B`), at most 10 updates.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import { MAX_INIT_SEED } from "../../jobs/kmeans/params.ts";
import { type FlagValues, parseDecimalInteger, stringFlag } from "../main.ts";
import {
  MALL_CSV,
  MALL_FEATURES,
  MALL_ID_COLUMN,
  MALL_INCOME,
  MALL_INIT,
  MALL_K,
  MALL_MAX_ITER,
  MALL_ROWS_FOR_A,
  MALL_SCORE,
} from "../demo.ts";
import { splitCsv } from "./split.ts";

/** The launch's flags after {@link applyLaunchDefaults}. */
export interface LaunchSetup {
  /** The given flags plus the demo's and `--seed`'s defaults. */
  values: FlagValues;
  /** True when no data option was given: the Mall demo runs. */
  demo: boolean;
  /** `--seed S`: fixes both parties' private randomness (not private; see cli/launch.ts). */
  harnessSeed?: string;
}

/** What `deno task launch --help` shows as the launch's own defaults (they differ from the party's). */
export const LAUNCH_DEFAULTS_HELP: Readonly<Record<string, string>> = {
  init: `${MALL_INIT} for the default data (--k A..B: random), else random`,
  features: `${MALL_FEATURES.join(",")} for the default data`,
};

/** Checks the data options and `--seed`, then fills in the demo's defaults. */
export function applyLaunchDefaults(given: FlagValues): LaunchSetup {
  const demo = given["data-a"] === undefined && given["data-b"] === undefined;
  if (!demo && (given["data-a"] === undefined || given["data-b"] === undefined)) {
    throw new InputError("give both --data-a and --data-b (or neither, for the Mall demo)");
  }
  const values: FlagValues = { ...given };
  const harnessSeed = stringFlag(values, "seed");
  if (harnessSeed !== undefined) {
    parseDecimalInteger(harnessSeed, "--seed", 0, MAX_INIT_SEED);
    values["init-seed"] ??= harnessSeed;
  }
  if (demo) {
    values.k ??= String(MALL_K);
    const sweep = String(values.k).includes("..");
    values.init ??= sweep ? "random" : MALL_INIT;
    values["max-iter"] ??= String(MALL_MAX_ITER);
    if ((values.partition ?? "horizontal") === "vertical") {
      values["features-a"] ??= MALL_INCOME;
      values["features-b"] ??= MALL_SCORE;
      values.id ??= MALL_ID_COLUMN;
    } else {
      values.features ??= MALL_FEATURES.join(",");
    }
  }
  return { values, demo, harnessSeed };
}

/**
 * The demo's two input files: horizontal, Mall's rows split between the parties (written into
 * `dir`); vertical, the whole file for both (each party selects its own column).
 */
export async function demoFiles(vertical: boolean, dir: string): Promise<[string, string]> {
  if (vertical) return [MALL_CSV, MALL_CSV];
  return await splitCsv({
    path: MALL_CSV,
    rowsForA: MALL_ROWS_FOR_A,
    dir,
    names: ["mall_party_a.csv", "mall_party_b.csv"],
  });
}
