/**
 * `deno task plain`: plaintext k-means on a CSV file (the reference the secure run is checked
 * against), with optional JSON output and an SVG scatter plot.
 *
 * Defaults reproduce the demo: data/Mall_Customers.csv, features "Annual Income (k$)" and
 * "Spending Score (1-100)", k = 5, init rows:0,40,80,120,160, 10 iterations, tol 1e-4, seed 0.
 * Bad flags or input print one line `error: ...` on stderr and exit 2 (see cli/errors.ts).
 * Everything runs locally on data the user holds; nothing is sent anywhere.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { InputError } from "../core/errors.ts";
import { checkOutputPath } from "../core/files.ts";
import { runMain } from "./main.ts";
import { checkRowsForK, loadCsv, splitCsvLine } from "../data/mod.ts";
import {
  DEFAULT_FRAC_BITS,
  DEFAULT_TOL,
  formatInit,
  INIT_SYNTAX,
  kmeans,
  type KMeansResult,
  MAX_FRAC_BITS,
  parseInit,
} from "../kmeans/mod.ts";

/** The demo data set, resolved from this file so the task works from any directory. */
export const DEFAULT_DATA = fileURLToPath(new URL("../data/Mall_Customers.csv", import.meta.url));

/** Feature columns used with the default data. */
export const DEFAULT_FEATURES = ["Annual Income (k$)", "Spending Score (1-100)"];

/** Initial rows used with the default data and k = 5. */
export const DEFAULT_INIT = "rows:0,40,80,120,160";

/** Centroid updates the CLI runs at most unless told otherwise. */
export const DEFAULT_CLI_MAX_ITER = 10;

const USAGE = "usage: deno task plain [--data FILE] [--features a,b,...] [--id COL] [--k K] " +
  "[--max-iter N] [--tol T] [--init SPEC] [--seed S] [--fixed-point [--frac-bits F]] " +
  "[--json PATH] [--plot PATH.svg] [--help]";

const HELP = `Plaintext k-means (Lloyd's algorithm), the reference for the secure protocol.

${USAGE}

  --data FILE         CSV with a header row (default: data/Mall_Customers.csv)
  --features a,b,...  feature columns by header name or 0-based index
                      (CSV syntax: quote a name that contains a comma)
                      (default data: "${DEFAULT_FEATURES.join('","')}";
                      other data: every column except --id)
  --id COL            identifier column, excluded from the default features
  --k K               number of clusters (default 5)
  --max-iter N        maximum centroid updates (default ${DEFAULT_CLI_MAX_ITER})
  --tol T             stop when no centroid moves more than T, in data units (default ${DEFAULT_TOL})
  --init SPEC         ${INIT_SYNTAX}
                      (default: ${DEFAULT_INIT} for the default data with k = 5, else kmeans++)
  --seed S            seed of random / kmeans++ initialisation (default 0)
  --fixed-point       mimic the secure fixed-point arithmetic (Z_2^64, f fractional bits)
  --frac-bits F       fractional bits of --fixed-point (default ${DEFAULT_FRAC_BITS})
  --json PATH         write {features, centroids, sizes, inertia, nIter, labels} as JSON
  --plot PATH.svg     write a scatter plot of the first two features
  --help              show this help

Ties go to the lowest centroid index; an empty cluster keeps its centroid.
Exit codes: 0 success, 2 bad arguments or input data, 1 other failures.`;

function usageError(message: string): InputError {
  return new InputError(`${message}; usage: deno task plain [options] (--help lists them)`);
}

function parseCount(flag: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw usageError(`--${flag} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function splitList(text: string): string[] {
  const items = splitCsvLine(text, "--features").map((s) => s.trim());
  if (items.some((s) => s === "")) throw usageError(`--features has an empty entry`);
  return items;
}

/** Parses the command line; exits via {@link InputError} on anything malformed. */
function parseCommandLine(args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: "string" },
        features: { type: "string" },
        id: { type: "string" },
        k: { type: "string" },
        "max-iter": { type: "string" },
        tol: { type: "string" },
        init: { type: "string" },
        seed: { type: "string" },
        "fixed-point": { type: "boolean" },
        "frac-bits": { type: "string" },
        json: { type: "string" },
        plot: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
  return parsed.values;
}

function printResult(
  result: KMeansResult,
  source: string,
  n: number,
  featureNames: string[],
  init: string,
  tol: number,
  fracBits: number,
): void {
  const mode = result.arithmetic === "fixed" ? `fixed point, f = ${fracBits}` : "float64";
  console.log(`k-means (${mode}) on ${source}: ${n} rows, k = ${result.k}`);
  console.log(
    `init ${init}; ${result.nIter} iteration${result.nIter === 1 ? "" : "s"} ` +
      `(${result.converged ? `converged, tol ${tol}` : "stopped at --max-iter"})`,
  );
  const header = ["cluster", "size", ...featureNames];
  const table = Array.from({ length: result.k }, (_, j) => [
    String(j),
    String(result.sizes[j]),
    ...featureNames.map((_, t) => result.centroids[j * result.d + t].toFixed(4)),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])).join("  ");
  console.log(line(header));
  for (const row of table) console.log(line(row));
  console.log(`inertia ${result.inertia.toFixed(4)}`);
}

async function main(): Promise<void> {
  const values = parseCommandLine(Deno.args);
  if (values.help) {
    console.log(HELP);
    return;
  }
  const usingDefaultData = values.data === undefined;
  const path = values.data ?? DEFAULT_DATA;
  const k = parseCount("k", values.k, 5);
  const maxIter = parseCount("max-iter", values["max-iter"], DEFAULT_CLI_MAX_ITER);
  const seed = parseCount("seed", values.seed, 0, 0);
  const fracBits = parseCount("frac-bits", values["frac-bits"], DEFAULT_FRAC_BITS, 0);
  if (fracBits > MAX_FRAC_BITS) throw usageError(`--frac-bits must be at most ${MAX_FRAC_BITS}`);
  if (values["frac-bits"] !== undefined && !values["fixed-point"]) {
    throw usageError(`--frac-bits only applies with --fixed-point`);
  }
  let tol = DEFAULT_TOL;
  if (values.tol !== undefined) {
    tol = Number(values.tol);
    if (values.tol.trim() === "" || !Number.isFinite(tol) || tol < 0) {
      throw usageError(`--tol must be a number >= 0, got ${JSON.stringify(values.tol)}`);
    }
  }
  const initText = values.init ?? (usingDefaultData && k === 5 ? DEFAULT_INIT : "kmeans++");
  const init = parseInit(initText);
  if (values.plot !== undefined && !values.plot.toLowerCase().endsWith(".svg")) {
    throw usageError(`--plot writes SVG: the path must end in .svg`);
  }
  // Before any work: a bad output path must not cost a run and its printed result.
  if (values.json !== undefined) checkOutputPath(values.json, "--json");
  if (values.plot !== undefined) checkOutputPath(values.plot, "--plot", { extension: ".svg" });

  const features = values.features !== undefined
    ? splitList(values.features)
    : usingDefaultData
    ? DEFAULT_FEATURES
    : "all";
  const data = await loadCsv(path, { features, id: values.id });
  checkRowsForK(data, k);
  const result = kmeans(data, {
    k,
    maxIter,
    tol,
    init,
    seed,
    arithmetic: values["fixed-point"] ? "fixed" : "float64",
    fracBits,
  });
  const source = usingDefaultData ? "data/Mall_Customers.csv" : path;
  printResult(result, source, data.n, data.featureNames, formatInit(init), tol, fracBits);

  if (values.json !== undefined) {
    const centroids = Array.from(
      { length: k },
      (_, j) => Array.from(result.centroids.subarray(j * data.d, (j + 1) * data.d)),
    );
    const json = {
      features: data.featureNames,
      centroids,
      sizes: Array.from(result.sizes),
      inertia: result.inertia,
      nIter: result.nIter,
      labels: Array.from(result.labels),
    };
    await writeOutput(values.json, JSON.stringify(json) + "\n");
    console.log(`wrote ${values.json}`);
  }
  if (values.plot !== undefined) {
    const { scatterPlotSvg } = await import("../kmeans/plot.ts");
    const svg = await scatterPlotSvg({
      data,
      featureNames: data.featureNames,
      labels: result.labels,
      centroids: result.centroids,
      k,
    });
    await writeOutput(values.plot, svg);
    console.log(`wrote ${values.plot}`);
  }
}

async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await Deno.writeTextFile(path, text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError(`cannot write ${path}: ${reason}`);
  }
}

if (import.meta.main) await runMain(main);
