/**
 * `deno task launch` for secure k-means (the default job): runs BOTH parties on this machine
 * as two processes talking over TCP loopback, then checks the secure result against the
 * plaintext fixed-point reference (same initial rows) and prints them side by side.
 *
 * The steps, one module each:
 * 1. cli/launch/defaults.ts: the Mall demo's defaults when no data options are given, and the
 *    public `--init-seed` that the harness `--seed S` implies;
 * 2. cli/launch/validate.ts: everything the launcher can check itself before any party starts
 *    (a bad input is then one line and exit 2 instead of a party failing mid-session);
 * 3. cli/launch/run.ts: both parties started, their result files read;
 * 4. cli/launch/report.ts: the elbow table, or the reference run and comparison table
 *    (cli/launch/reference.ts, cli/launch/compare.ts), the JSON, the plot, and exit code 3
 *    when the secure labels differ from the reference.
 *
 * The list of values the protocol opens is printed before the parties start. The launcher
 * itself holds both inputs (that is what launching both parties means), so it can compute the
 * reference and the comparison; the parties still only see what the protocol reveals.
 *
 * @module
 */

import { KMEANS_JOB_OPTIONS } from "../../jobs/kmeans/job.ts";
import { jobRevealedValues, parseKmeansParams } from "../../jobs/kmeans/params.ts";
import { type FlagSpec, type FlagValues, parseFlags, stringFlag } from "../main.ts";
import { MALL_ROW_COUNT, MALL_ROWS_FOR_A } from "../demo.ts";
import { applyLaunchDefaults, demoFiles, LAUNCH_DEFAULTS_HELP } from "./defaults.ts";
import {
  checkInitAndSize,
  checkLaunchOptions,
  launchFeatures,
  loadAndCheckInputs,
} from "./validate.ts";
import { jointMatrix } from "./reference.ts";
import { runKmeansParties } from "./run.ts";
import { EXIT_LABELS_DIFFER, reportClustering, reportElbow } from "./report.ts";

/** The launch's own options (the job's options are accepted too). */
const KMEANS_LAUNCH_OPTIONS: Record<string, { type: "string" | "boolean"; help: string }> = {
  "data-a": {
    type: "string",
    help: `party A's CSV file (default: Mall rows 1-${MALL_ROWS_FOR_A})`,
  },
  "data-b": {
    type: "string",
    help: `party B's CSV file (default: Mall rows ${MALL_ROWS_FOR_A + 1}-${MALL_ROW_COUNT})`,
  },
  seed: {
    type: "string",
    help: "reproducible run: --init-seed S and fixed party randomness (INSECURE, not private)",
  },
  json: { type: "string", help: "write the launch result as JSON here" },
  plot: { type: "string", help: "write an SVG: clusters, or the elbow curve for --k A..B" },
  help: { type: "boolean", help: "show this help" },
};

/** Column of the option names in the help. */
const HELP_NAME_WIDTH = 24;

function kmeansHelp(): string {
  const lines = [
    "usage: deno task launch [k-means options]   (both parties over TCP on 127.0.0.1)",
    "",
  ];
  // The launcher's --plot (whole joint clustering) replaces the party's (own rows only).
  const all = { ...KMEANS_LAUNCH_OPTIONS, ...KMEANS_JOB_OPTIONS, plot: KMEANS_LAUNCH_OPTIONS.plot };
  for (const [name, option] of Object.entries(all)) {
    const shown = `--${name}${option.type === "string" ? " X" : ""}`;
    const fallback = LAUNCH_DEFAULTS_HELP[name] ??
      ("default" in option && option.default !== undefined ? String(option.default) : undefined);
    lines.push(
      `  ${shown.padEnd(HELP_NAME_WIDTH)} ${option.help}${fallback ? ` [${fallback}]` : ""}`,
    );
  }
  lines.push(
    "",
    "exit codes: 0 success, 2 bad options or input (checked before the parties start),",
    `            1 a party failed, ${EXIT_LABELS_DIFFER} secure labels differ from the plaintext reference`,
    "other jobs: deno task launch --job secure-sum|net-bench ... -- ARGS FOR BOTH PARTIES",
  );
  return lines.join("\n");
}

/** `deno task launch [k-means options]`: parses the flags; returns the exit code. */
export async function kmeansMain(args: string[]): Promise<number> {
  // Types only: the job's defaults are applied later, after the demo's (cli/launch/defaults.ts).
  const options: Record<string, FlagSpec> = { job: { type: "string" } };
  for (
    const [name, option] of Object.entries({ ...KMEANS_LAUNCH_OPTIONS, ...KMEANS_JOB_OPTIONS })
  ) {
    options[name] = { type: option.type };
  }
  const { values } = parseFlags(args, options);
  if (values.help) {
    console.log(kmeansHelp());
    return 0;
  }
  await launchKmeans(values);
  return 0;
}

/** Runs the launch (see the module doc); throws for any exit code but 0. */
export async function launchKmeans(given: FlagValues): Promise<void> {
  const { values, demo, harnessSeed } = applyLaunchDefaults(given);
  const params = parseKmeansParams(values);
  checkLaunchOptions(values, params);
  const vertical = params.partition === "vertical";
  const outputs = { json: stringFlag(values, "json"), plot: stringFlag(values, "plot") };
  const tempDir = await Deno.makeTempDir({ prefix: "pp-kmeans-launch-" });
  try {
    const files: [string, string] = demo
      ? await demoFiles(vertical, tempDir)
      : [String(values["data-a"]), String(values["data-b"])];
    const features = launchFeatures(values, params.partition);
    const id = stringFlag(values, "id");
    const data = await loadAndCheckInputs({ files, features, id, params });
    const matrix = jointMatrix(params.partition, data[0], data[1]);
    checkInitAndSize(params, matrix);
    console.log(
      `secure k-means, ${params.partition} partition: party A ${files[0]} [${features[0]}], ` +
        `party B ${files[1]} [${features[1]}]`,
    );
    const revealed = jobRevealedValues(params);
    console.log("values this run reveals:");
    for (const item of revealed) console.log(`  - ${item}`);
    const run = await runKmeansParties({ values, files, features, harnessSeed, tempDir });
    if (params.kValues.length > 1) {
      await reportElbow({ run, revealed, outputs });
    } else {
      await reportClustering({ run, params, data, matrix, outputs });
    }
  } finally {
    await Deno.remove(tempDir, { recursive: true }).catch(() => {});
  }
}
