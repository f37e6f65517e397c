/**
 * Runs both parties of a job on this machine as two child processes over TCP on 127.0.0.1
 * (see `party/launcher.ts`), printing their prefixed output and the result.
 *
 * The default job is secure k-means (kmeans/launch.ts, issue 7):
 *
 *     deno task launch                      # Mall rows 1-100 (A) / 101-200 (B), k = 5
 *     deno task launch --partition vertical # A: Annual Income, B: Spending Score, on CustomerID
 *     deno task launch --data-a a.csv --data-b b.csv --features x,y --k 3 --init random --init-seed 1
 *     deno task launch --seed 7             # reproducible bit for bit: NOT private (see below)
 *     deno task launch --k 1..10 --plot elbow.svg   # secure elbow: only the inertias revealed
 *
 * Other jobs (`--job secure-sum`, `--job net-bench`) keep the generic form (arguments after
 * `--` go to both parties):
 *
 *     deno task launch --job secure-sum --data FILE --split 500 -- --columns Age,Income
 *     deno task launch --job secure-sum --data-a a.csv --data-b b.csv -- --columns 0,1
 *
 * `--data FILE --split N` gives the first N data rows to party A and the rest to party B
 * (split by physical lines: fine for CSVs without line breaks inside quoted fields); or give
 * each party its own file with `--data-a` / `--data-b`. Arguments after `--` go to both
 * parties (`deno task party --help` lists them). Exits non-zero if either party fails.
 *
 * `--seed S` is the deterministic harness: it sets the public `--init-seed S` and also fixes
 * both parties' private randomness (`--insecure-test-seed S` with PPKM_ALLOW_TEST_SEED=1 in
 * the children's environment). The launcher runs both parties on loopback in one trust domain,
 * so this is acceptable for reproducing a run, but such a run is NOT private and says so.
 *
 * `--json` and `--plot` paths are checked before any party starts. Exit codes: 0 success, 2 bad
 * options or input, 1 a party failed otherwise, 3 (k-means) labels differ from the reference.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { InputError } from "../core/errors.ts";
import { checkOutputPath } from "../core/files.ts";
import { runMain } from "./main.ts";
import { launchParties } from "./launcher.ts";
import { KMEANS_JOB_OPTIONS } from "../jobs/kmeans/job.ts";
import { launchKmeans } from "./launch/kmeans.ts";

const MALL = new URL("../data/Mall_Customers.csv", import.meta.url).pathname;
const MALL_COLUMNS = "Age,Annual Income (k$),Spending Score (1-100)";

const HELP =
  `usage: deno task launch --job NAME [--data FILE --split N | --data-a FILE --data-b FILE]
                         [--tls-ca CA --tls-cert-a C --tls-key-a K --tls-cert-b C --tls-key-b K]
                         [--json PATH] [-- ARGS FOR BOTH PARTIES]
e.g.:  deno task launch --job secure-sum --data FILE --split 500 -- --columns Age,Income
defaults: --data data/Mall_Customers.csv --split 100; secure-sum: --columns "${MALL_COLUMNS}"
(without --job, launch runs secure k-means: deno task launch --help lists its options)`;

async function splitCsv(path: string, rowsForA: number, dir: string): Promise<[string, string]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length < 3) throw new InputError(`${path}: need a header and at least two rows`);
  if (!(rowsForA >= 1 && rowsForA < lines.length - 1)) {
    throw new InputError(`--split must be in [1, ${lines.length - 2}] for ${path}`);
  }
  const header = lines[0];
  const files: [string, string] = [`${dir}/party-a.csv`, `${dir}/party-b.csv`];
  await Deno.writeTextFile(files[0], [header, ...lines.slice(1, 1 + rowsForA)].join("\n") + "\n");
  await Deno.writeTextFile(files[1], [header, ...lines.slice(1 + rowsForA)].join("\n") + "\n");
  return files;
}

const KMEANS_LAUNCH_OPTIONS: Record<string, { type: "string" | "boolean"; help: string }> = {
  "data-a": { type: "string", help: "party A's CSV file (default: Mall rows 1-100)" },
  "data-b": { type: "string", help: "party B's CSV file (default: Mall rows 101-200)" },
  seed: {
    type: "string",
    help: "reproducible run: --init-seed S and fixed party randomness (INSECURE, not private)",
  },
  json: { type: "string", help: "write the launch result as JSON here" },
  plot: { type: "string", help: "write an SVG: clusters, or the elbow curve for --k A..B" },
  help: { type: "boolean", help: "show this help" },
};

/** Defaults of the launch that differ from the party's (the Mall demo without data options). */
const LAUNCH_DEFAULTS: Record<string, string> = {
  init: "rows:0,40,80,120,160 for the default data (--k A..B: random), else random",
  features: "Annual Income (k$),Spending Score (1-100) for the default data",
};

function kmeansHelp(): string {
  const lines = [
    "usage: deno task launch [k-means options]   (both parties over TCP on 127.0.0.1)",
    "",
  ];
  // The launcher's --plot (whole joint clustering) replaces the party's (own rows only).
  const all = { ...KMEANS_LAUNCH_OPTIONS, ...KMEANS_JOB_OPTIONS, plot: KMEANS_LAUNCH_OPTIONS.plot };
  for (const [name, option] of Object.entries(all)) {
    const shown = `--${name}${option.type === "string" ? " X" : ""}`;
    const fallback = LAUNCH_DEFAULTS[name] ??
      ("default" in option && option.default !== undefined ? String(option.default) : undefined);
    lines.push(`  ${shown.padEnd(24)} ${option.help}${fallback ? ` [${fallback}]` : ""}`);
  }
  lines.push(
    "",
    "exit codes: 0 success, 2 bad options or input (checked before the parties start),",
    "            1 a party failed, 3 secure labels differ from the plaintext reference",
    "other jobs: deno task launch --job secure-sum|net-bench ... -- ARGS FOR BOTH PARTIES",
  );
  return lines.join("\n");
}

/** The k-means launch (the default job). */
async function kmeansMain(args: string[]): Promise<number> {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (
    const [name, option] of Object.entries({ ...KMEANS_LAUNCH_OPTIONS, ...KMEANS_JOB_OPTIONS })
  ) {
    options[name] = { type: option.type };
  }
  options.job = { type: "string" };
  let values;
  try {
    ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new InputError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  if (values.help) {
    console.log(kmeansHelp());
    return 0;
  }
  return await launchKmeans(values as Record<string, string | boolean | undefined>);
}

/** True when the arguments ask for the k-means job (the default). */
function isKmeans(args: string[]): boolean {
  if (args.includes("--")) return false;
  const jobAt = args.findIndex((a) => a === "--job" || a.startsWith("--job="));
  if (jobAt < 0) return true;
  const name = args[jobAt].includes("=") ? args[jobAt].split("=")[1] : args[jobAt + 1];
  return name === "kmeans";
}

async function main(): Promise<number> {
  if (isKmeans(Deno.args)) return await kmeansMain(Deno.args);
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      options: {
        data: { type: "string" },
        split: { type: "string", default: "100" },
        "data-a": { type: "string" },
        "data-b": { type: "string" },
        "tls-ca": { type: "string" },
        "tls-cert-a": { type: "string" },
        "tls-key-a": { type: "string" },
        "tls-cert-b": { type: "string" },
        "tls-key-b": { type: "string" },
        json: { type: "string" },
        job: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new InputError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.json !== undefined) checkOutputPath(values.json, "--json");
  const forwarded = [...positionals];
  if (values.job !== undefined) {
    forwarded.unshift("--job", values.job);
    if (values.job === "secure-sum" && !values.data && !forwarded.includes("--columns")) {
      forwarded.push("--columns", MALL_COLUMNS);
    }
  }
  const tempDir = await Deno.makeTempDir({ prefix: "ppkm-split-" });
  try {
    let files: [string, string];
    if (values["data-a"] || values["data-b"]) {
      if (!values["data-a"] || !values["data-b"] || values.data) {
        throw new InputError("give both --data-a and --data-b (and not --data)");
      }
      files = [values["data-a"], values["data-b"]];
    } else {
      const split = Number(values.split);
      if (!Number.isInteger(split)) throw new InputError(`--split must be an integer`);
      files = await splitCsv(values.data ?? MALL, split, tempDir);
      if (!values.data && !forwarded.includes("--job") && !forwarded.includes("--columns")) {
        forwarded.push("--columns", MALL_COLUMNS);
      }
    }
    const tlsNames = ["tls-ca", "tls-cert-a", "tls-key-a", "tls-cert-b", "tls-key-b"] as const;
    const tlsGiven = tlsNames.filter((name) => values[name] !== undefined);
    if (tlsGiven.length !== 0 && tlsGiven.length !== tlsNames.length) {
      throw new InputError(`TLS needs all of ${tlsNames.map((n) => "--" + n).join(", ")}`);
    }
    const tlsArgs = (party: "a" | "b") =>
      tlsGiven.length === 0 ? [] : [
        "--tls-ca",
        values["tls-ca"]!,
        "--tls-cert",
        values[`tls-cert-${party}`]!,
        "--tls-key",
        values[`tls-key-${party}`]!,
      ];
    const outcome = await launchParties({
      commonArgs: forwarded,
      partyArgs: [
        ["--data", files[0], ...tlsArgs("a")],
        ["--data", files[1], ...tlsArgs("b")],
      ],
      tempDirs: [tempDir], // removed by the launcher too if the user interrupts
    });
    if (outcome.exitCode !== 0) {
      console.error(
        `error: ${
          outcome.failure ??
            `party A exited with ${outcome.exitCodes[0]}, party B with ${outcome.exitCodes[1]}`
        }`,
      );
      return outcome.exitCode;
    }
    const result = (outcome.reports[0] as { result: unknown }).result;
    console.log(`[launch] both parties finished; result: ${JSON.stringify(result)}`);
    if (values.json !== undefined) {
      try {
        await Deno.writeTextFile(values.json, JSON.stringify(outcome.reports, null, 2) + "\n");
      } catch (error) {
        throw new InputError(`cannot write --json ${values.json}: ${(error as Error).message}`);
      }
    }
    return 0;
  } finally {
    await Deno.remove(tempDir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await runMain(main);
