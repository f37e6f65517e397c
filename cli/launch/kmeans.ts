/**
 * `deno task launch` for secure k-means (issue 7): runs BOTH parties on this machine as two
 * processes talking over TCP loopback, then checks the secure result against the plaintext
 * fixed-point reference (same initial rows) and prints them side by side.
 *
 * Default (no data options): the Mall Customers data split into rows 1–100 (party A) and
 * 101–200 (party B), features Annual Income and Spending Score, k = 5,
 * `--init rows:0,40,80,120,160`, at most 10 updates. With `--partition vertical` and no data
 * options: party A holds Annual Income, party B Spending Score, joined on CustomerID.
 *
 * `--seed S` makes the run reproducible bit for bit: it sets the public `--init-seed S` (unless
 * given) and passes `--insecure-test-seed S` to both children with PPKM_ALLOW_TEST_SEED=1 in
 * their environment, which fixes their private randomness. Both parties run here, on loopback,
 * in one trust domain, so that is acceptable for a harness; a warning says the run is not
 * private.
 *
 * Before any party starts, the launcher checks what it can see itself: both CSVs load with the
 * selected columns (horizontal: the same names in the same order), IDs are unique and match
 * (vertical), every value is inside the public bound, the `--init rows:` are valid for the
 * joint data, the job fits the memory budget, and the `--json`/`--plot` paths are writable. A
 * bad input is then one line and exit 2 instead of a party failing mid-session.
 *
 * Exit codes: 0 success, 2 bad options or input, 1 a party failed otherwise, 3 the secure
 * labels differ from the plaintext reference (one `error:` line says how many).
 *
 * The list of values the protocol opens is printed before the parties start. The launcher
 * itself holds both inputs (that is what launching both parties means), so it can compute the
 * reference and the comparison; the parties still only see what the protocol reveals.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import { checkOutputPath } from "../../core/files.ts";
import { ExitError } from "../main.ts";
import { type Dataset, loadCsv } from "../../data/csv.ts";
import { encodeFixedPoint } from "../../kmeans/fixed_reference.ts";
import { chooseInitialRows, parseInit } from "../../kmeans/init.ts";
import {
  checkJobSize,
  jobRevealedValues,
  type KmeansJobParams,
  parseKmeansParams,
  splitFeatureList,
} from "../../jobs/kmeans/params.ts";
import {
  compareWithReference,
  jointMatrix,
  kmeansPlusPlusReferenceRows,
  type PartyKmeansResult,
  referenceRun,
} from "./report.ts";
import { isKmeansPlusPlus } from "../../kmeans/secure/options.ts";
import { checkValueBound, secureBounds } from "../../kmeans/secure/layout.ts";
import { checkUniqueIds } from "../../kmeans/secure/vertical.ts";
import { launchParties } from "../launcher.ts";
import { TEST_SEED_ENV } from "../../party/session.ts";

/** Mall Customers, shipped with the project. */
export const MALL_PATH = new URL("../../data/Mall_Customers.csv", import.meta.url).pathname;
const INCOME = "Annual Income (k$)";
const SCORE = "Spending Score (1-100)";

/** Launcher options (strings as parsed from the command line). */
export type LaunchValues = Record<string, string | boolean | undefined>;

/** Writes Mall rows 1–100 and 101–200 (with the header) into `dir`. */
async function splitMall(dir: string): Promise<[string, string]> {
  const lines = (await Deno.readTextFile(MALL_PATH)).trimEnd().split(/\r?\n/);
  const a = `${dir}/mall_party_a.csv`;
  const b = `${dir}/mall_party_b.csv`;
  await Deno.writeTextFile(a, [lines[0], ...lines.slice(1, 101)].join("\n") + "\n");
  await Deno.writeTextFile(b, [lines[0], ...lines.slice(101)].join("\n") + "\n");
  return [a, b];
}

const JOB_OPTION_NAMES = [
  "partition",
  "k",
  "max-iter",
  "tol",
  "init",
  "init-seed",
  "reveal",
  "distance",
  "reveal-inertia",
  "reveal-final-sizes",
  "frac-bits",
  "value-bits",
  "id",
];

/** Runs the launch; returns the process exit code. */
export async function launchKmeans(values: LaunchValues): Promise<number> {
  const partition = (values.partition ?? "horizontal") as string;
  const defaults = values["data-a"] === undefined && values["data-b"] === undefined;
  if (!defaults && (values["data-a"] === undefined || values["data-b"] === undefined)) {
    throw new InputError("give both --data-a and --data-b (or neither, for the Mall demo)");
  }
  const v: LaunchValues = { ...values };
  const harnessSeed = typeof v.seed === "string" ? v.seed : undefined;
  if (harnessSeed !== undefined) {
    if (!/^\d+$/.test(harnessSeed) || Number(harnessSeed) > 2 ** 31 - 1) {
      throw new InputError(`--seed must be an integer in [0, ${2 ** 31 - 1}], got ${harnessSeed}`);
    }
    v["init-seed"] ??= harnessSeed;
  }
  if (defaults) {
    v.k ??= "5";
    const sweep = String(v.k).includes("..");
    v.init ??= sweep ? "random" : "rows:0,40,80,120,160";
    v["max-iter"] ??= "10";
    if (partition === "vertical") {
      v["features-a"] ??= INCOME;
      v["features-b"] ??= SCORE;
      v.id ??= "CustomerID";
    } else {
      v.features ??= `${INCOME},${SCORE}`;
    }
  }
  const params = parseKmeansParams(v);
  const init = parseInit(String(v.init ?? "random"));
  const largestK = params.kValues[params.kValues.length - 1];
  if (init.kind === "rows" && init.rows.length < largestK) {
    throw new InputError(`--init rows: lists ${init.rows.length} rows, k goes up to ${largestK}`);
  }
  if (typeof v.json === "string") checkOutputPath(v.json, "--json");
  if (typeof v.plot === "string") checkOutputPath(v.plot, "--plot", { extension: ".svg" });
  const dir = await Deno.makeTempDir({ prefix: "pp-kmeans-launch-" });
  try {
    let files: [string, string];
    if (defaults) {
      files = partition === "vertical" ? [MALL_PATH, MALL_PATH] : await splitMall(dir);
    } else {
      files = [String(v["data-a"]), String(v["data-b"])];
    }
    const featuresOf = (role: 0 | 1) => {
      const own = v[role === 0 ? "features-a" : "features-b"] ?? v.features;
      if (typeof own !== "string") {
        throw new InputError(
          partition === "vertical"
            ? "the vertical partition needs --features-a and --features-b"
            : "give --features NAME,NAME,...",
        );
      }
      return own;
    };
    const features: [string, string] = [featuresOf(0), featuresOf(1)];
    const idColumn = typeof v.id === "string" ? v.id : undefined;
    const [dataA, dataB] = await loadAndCheckInputs(files, features, idColumn, params);
    const matrix = jointMatrix(params.partition, dataA, dataB);
    checkInitAndSize(params, matrix.n, matrix.d);
    console.log(
      `secure k-means, ${partition} partition: party A ${files[0]} [${features[0]}], ` +
        `party B ${files[1]} [${features[1]}]`,
    );
    const vertical = params.partition === "vertical";
    const revealed = jobRevealedValues(params);
    console.log("values this run reveals:");
    for (const item of revealed) console.log(`  - ${item}`);

    const commonArgs = ["--job", "kmeans"];
    for (const name of JOB_OPTION_NAMES) {
      const value = v[name];
      if (typeof value === "string") commonArgs.push(`--${name}`, value);
      else if (value === true) commonArgs.push(`--${name}`);
    }
    if (harnessSeed !== undefined) {
      console.log(
        `warning: --seed ${harnessSeed} fixes both parties' randomness for a reproducible run: ` +
          `this mode is NOT private (harness and demos on one machine only)`,
      );
      // Inherited by both children (Deno.Command keeps the environment); they run on loopback.
      Deno.env.set(TEST_SEED_ENV, "1");
      commonArgs.push("--insecure-test-seed", harnessSeed);
    }
    const started = performance.now();
    const outcome = await launchParties({
      commonArgs,
      partyArgs: [
        ["--data", files[0], "--features", features[0]],
        ["--data", files[1], "--features", features[1]],
      ],
      tempDirs: [dir], // removed by the launcher too if the user interrupts
    });
    const seconds = (performance.now() - started) / 1000;
    if (outcome.exitCode !== 0) {
      // The launcher's failure line repeats the first failed party's own error.
      throw new ExitError(
        outcome.failure ??
          `party A exited with ${outcome.exitCodes[0]}, party B with ${outcome.exitCodes[1]}`,
        outcome.exitCode,
      );
    }
    const results = outcome.reports.map((report) => {
      const json = report as Record<string, unknown> | null;
      if (json === null) throw new ExitError("a party wrote no result", 1);
      return (json.result ?? json) as PartyKmeansResult & Record<string, unknown>;
    });
    const [a, b] = results;
    const bytesSent = Math.max(a.stats.bytesSent, b.stats.bytesSent);
    const rounds = Math.max(a.stats.rounds, b.stats.rounds);
    if (params.kValues.length > 1) {
      const sweep = (a as unknown as { elbow: { k: number; inertia: number }[] }).elbow;
      console.log("k   inertia");
      for (const { k, inertia } of sweep) {
        console.log(`${String(k).padEnd(3)} ${inertia.toFixed(4)}`);
      }
      console.log(
        `total ${seconds.toFixed(3)} s (both processes), ${bytesSent} bytes sent per party (max)`,
      );
      if (typeof v.plot === "string") {
        const { elbowPlotSvg } = await import("../../kmeans/plot.ts");
        await writeOutput(v.plot, "--plot", await elbowPlotSvg(sweep));
      }
      if (typeof v.json === "string") {
        await writeJson(v.json, {
          elbow: sweep,
          revealed,
          stats: { seconds, bytesSent, rounds, parties: { A: a.stats, B: b.stats } },
        });
      }
      return 0;
    }
    const plusPlus = isKmeansPlusPlus(params.init);
    if (plusPlus && (a.initSeed === undefined || (vertical && a.joinedOrder === undefined))) {
      throw new ExitError("party A's result lacks the kmeans++ init seed or joined order", 1);
    }
    // kmeans++: the launcher (holding both inputs) replays the public draws on the reference.
    const initialRows = plusPlus
      ? kmeansPlusPlusReferenceRows(
        matrix,
        params.kValues[0],
        params.fractionalBits,
        params.valueBits,
        a.initSeed!,
        vertical ? a.joinedOrder : undefined,
      )
      : a.initialRows;
    const reference = referenceRun(
      matrix,
      params.kValues[0],
      params.maxIter,
      params.tol,
      params.fractionalBits,
      initialRows,
    );
    const comparison = compareWithReference(params.partition, matrix, a, b, reference);
    console.log("");
    console.log(comparison.table);
    console.log(
      `total ${seconds.toFixed(3)} s for both processes (start-up, OT setup, preprocessing, ` +
        `iterations); sent A ${a.stats.bytesSent} B ${b.stats.bytesSent} bytes; ` +
        `rounds ${rounds}`,
    );
    if (plusPlus) {
      const phase = (r: PartyKmeansResult) =>
        (r.stats.byPhase.init ?? {}) as { bytesSent?: number; rounds?: number };
      console.log(
        `kmeans++ init: ${a.initSeconds?.toFixed(3)} s, sent A ${phase(a).bytesSent} ` +
          `B ${phase(b).bytesSent} bytes, rounds ${phase(b).rounds}; reference rows ` +
          `${initialRows.join(",")} (launcher only: it holds both inputs)`,
      );
    }
    for (const [name, r] of [["A", a], ["B", b]] as const) {
      console.log(
        `party ${name}: offline ${r.stats.offlineSeconds.toFixed(3)} s, online ` +
          `${r.stats.onlineSeconds.toFixed(3)} s, job ${r.stats.seconds.toFixed(3)} s`,
      );
    }
    if (typeof v.json === "string") {
      const refCentroids = Array.from(
        { length: params.kValues[0] },
        (_, j) => Array.from(reference.centroids.subarray(j * matrix.d, (j + 1) * matrix.d)),
      );
      await writeJson(v.json, {
        centroids: a.centroids,
        labelsA: a.labels,
        // Vertical: each party reports labels in its own file order; the launcher holds both
        // files, so it lists B's in A's order (issue 7's launch JSON).
        labelsB: vertical ? inOrderOf(dataA.ids!, dataB.ids!, b.labels) : b.labels,
        nIter: a.nIter,
        revealed: a.revealed,
        stats: { seconds, bytesSent, rounds, parties: { A: a.stats, B: b.stats } },
        reference: { centroids: refCentroids, labels: Array.from(reference.labels) },
        differingLabels: comparison.differingLabels,
        maxCentroidError: comparison.maxCentroidError,
      });
    }
    if (typeof v.plot === "string") {
      const { scatterPlotSvg } = await import("../../kmeans/plot.ts");
      const names = [
        ...dataA.featureNames,
        ...(params.partition === "vertical" ? dataB.featureNames : []),
      ];
      await writeOutput(
        v.plot,
        "--plot",
        await scatterPlotSvg({
          data: matrix,
          featureNames: names,
          labels: Int32Array.from(comparison.labels),
          centroids: Float64Array.from(a.centroids.flat()),
          k: params.kValues[0],
          title: "secure k-means (two parties)",
        }),
      );
    }
    if (comparison.differingLabels !== 0) {
      throw new ExitError(
        `${comparison.differingLabels} of ${matrix.n} secure labels differ from the plaintext ` +
          `reference (exit 3; see the table above)`,
        3,
      );
    }
    return 0;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
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

/**
 * Loads both parties' files exactly as the parties will (same columns, ID column, fixed-point
 * encoding and value bound) so input errors surface here, in one line, before any party runs.
 */
async function loadAndCheckInputs(
  files: [string, string],
  features: [string, string],
  id: string | undefined,
  params: KmeansJobParams,
): Promise<[Dataset, Dataset]> {
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
  if (params.partition === "vertical" && a.ids && b.ids) {
    const idsA = new Set(a.ids);
    const idsB = new Set(b.ids);
    const missingInB = a.ids.filter((x) => !idsB.has(x)).length;
    const missingInA = b.ids.filter((x) => !idsA.has(x)).length;
    if (missingInB > 0 || missingInA > 0) {
      // Same wording as the parties' join (kmeans/vertical.ts), which reveals only these counts.
      throw new InputError(
        `vertical join on the ID column failed: ${missingInB} ID(s) of party A are missing at ` +
          `party B and ${missingInA} ID(s) of party B are missing at party A (both files must ` +
          `hold the same IDs)`,
      );
    }
  }
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

/** Checks every k's initial rows against the joint data and the memory budget. */
function checkInitAndSize(params: KmeansJobParams, n: number, d: number): void {
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
  checkJobSize(n, params.kValues[params.kValues.length - 1], d);
}
