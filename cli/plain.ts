/**
 * `deno task plain`: plaintext k-means on a CSV file (the reference the secure run is checked
 * against), with optional JSON output and an SVG scatter plot.
 *
 * Defaults reproduce the demo (cli/demo.ts): data/Mall_Customers.csv, features "Annual Income
 * (k$)" and "Spending Score (1-100)", k = 5, init rows:0,40,80,120,160, 10 iterations, tol 1e-4,
 * seed 0. Bad flags or input print one line `error: ...` on stderr and exit 2 (see cli/main.ts).
 * Everything runs locally on data the user holds; nothing is sent anywhere.
 *
 * @module
 */

import { InputError } from "../core/errors.ts";
import { checkOutputPath } from "../core/files.ts";
import {
  type FlagSpec,
  type FlagValues,
  parseDecimalInteger,
  parseFlags,
  parseNonNegativeNumber,
  runMain,
  stringFlag,
} from "./main.ts";
import {
  MALL_CSV,
  MALL_CSV_NAME,
  MALL_FEATURES,
  MALL_INIT,
  MALL_K,
  MALL_MAX_ITER,
} from "./demo.ts";
import { checkRowsForK, loadCsv, splitFeatureList } from "../data/mod.ts";
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

/** Seed of random / kmeans++ initialisation unless `--seed` says otherwise. */
const DEFAULT_SEED = 0;

/** Largest `--k`, `--max-iter` and `--seed` the parser accepts (the data bound k further). */
const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** Decimals of the printed centroids and inertia. */
const DECIMALS = 4;

const USAGE = "usage: deno task plain [--data FILE] [--features a,b,...] [--id COL] [--k K] " +
  "[--max-iter N] [--tol T] [--init SPEC] [--seed S] [--fixed-point [--frac-bits F]] " +
  "[--json PATH] [--plot PATH.svg] [--help]";

const HELP = `Plaintext k-means (Lloyd's algorithm), the reference for the secure protocol.

${USAGE}

  --data FILE         CSV with a header row (default: ${MALL_CSV_NAME})
  --features a,b,...  feature columns by header name or 0-based index
                      (CSV syntax: quote a name that contains a comma)
                      (default data: "${MALL_FEATURES.join('","')}";
                      other data: every column except --id)
  --id COL            identifier column, excluded from the default features
  --k K               number of clusters (default ${MALL_K})
  --max-iter N        maximum centroid updates (default ${MALL_MAX_ITER})
  --tol T             stop when no centroid moves more than T, in data units (default ${DEFAULT_TOL})
  --init SPEC         ${INIT_SYNTAX}
                      (default: ${MALL_INIT} for the default data with k = ${MALL_K}, else kmeans++)
  --seed S            seed of random / kmeans++ initialisation (default ${DEFAULT_SEED})
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

const OPTIONS: Record<string, FlagSpec> = {
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
};

/** The integer flags: value when absent, and the accepted range. */
const INTEGER_FLAGS = {
  k: { fallback: MALL_K, min: 1, max: MAX_COUNT },
  "max-iter": { fallback: MALL_MAX_ITER, min: 1, max: MAX_COUNT },
  seed: { fallback: DEFAULT_SEED, min: 0, max: MAX_COUNT },
  "frac-bits": { fallback: DEFAULT_FRAC_BITS, min: 0, max: MAX_FRAC_BITS },
} as const;

/** The integer flag `--name` (see {@link INTEGER_FLAGS}). */
function integerFlag(flags: FlagValues, name: keyof typeof INTEGER_FLAGS): number {
  const { fallback, min, max } = INTEGER_FLAGS[name];
  const text = stringFlag(flags, name);
  return text === undefined ? fallback : parseDecimalInteger(text, `--${name}`, min, max);
}

/** What {@link printResult} prints besides the result. */
interface PrintedRun {
  source: string;
  n: number;
  featureNames: string[];
  init: string;
  tol: number;
  fracBits: number;
}

function printResult(result: KMeansResult, run: PrintedRun): void {
  const { source, n, featureNames, init, tol, fracBits } = run;
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
    ...featureNames.map((_, t) => result.centroids[j * result.d + t].toFixed(DECIMALS)),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])).join("  ");
  console.log(line(header));
  for (const row of table) console.log(line(row));
  console.log(`inertia ${result.inertia.toFixed(DECIMALS)}`);
}

async function main(): Promise<void> {
  const { values: flags } = parseFlags(Deno.args, OPTIONS);
  if (flags.help) {
    console.log(HELP);
    return;
  }
  const values = {
    data: stringFlag(flags, "data"),
    features: stringFlag(flags, "features"),
    id: stringFlag(flags, "id"),
    init: stringFlag(flags, "init"),
    json: stringFlag(flags, "json"),
    plot: stringFlag(flags, "plot"),
    fixedPoint: flags["fixed-point"] === true,
  };
  const usingDefaultData = values.data === undefined;
  const path = values.data ?? MALL_CSV;
  const k = integerFlag(flags, "k");
  const maxIter = integerFlag(flags, "max-iter");
  const seed = integerFlag(flags, "seed");
  const fracBits = integerFlag(flags, "frac-bits");
  if (flags["frac-bits"] !== undefined && !values.fixedPoint) {
    throw usageError(`--frac-bits only applies with --fixed-point`);
  }
  const tolText = stringFlag(flags, "tol");
  const tol = tolText === undefined ? DEFAULT_TOL : parseNonNegativeNumber(tolText, "--tol");
  const initText = values.init ?? (usingDefaultData && k === MALL_K ? MALL_INIT : "kmeans++");
  const init = parseInit(initText);
  if (values.plot !== undefined && !values.plot.toLowerCase().endsWith(".svg")) {
    throw usageError(`--plot writes SVG: the path must end in .svg`);
  }
  // Before any work: a bad output path must not cost a run and its printed result.
  if (values.json !== undefined) checkOutputPath(values.json, "--json");
  if (values.plot !== undefined) checkOutputPath(values.plot, "--plot", { extension: ".svg" });

  const features = values.features !== undefined
    ? splitFeatureList(values.features)
    : usingDefaultData
    ? [...MALL_FEATURES]
    : "all";
  const data = await loadCsv(path, { features, id: values.id });
  checkRowsForK(data, k);
  const result = kmeans(data, {
    k,
    maxIter,
    tol,
    init,
    seed,
    arithmetic: values.fixedPoint ? "fixed" : "float64",
    fracBits,
  });
  printResult(result, {
    source: usingDefaultData ? MALL_CSV_NAME : path,
    n: data.n,
    featureNames: data.featureNames,
    init: formatInit(init),
    tol,
    fracBits,
  });

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
