/**
 * Runs both parties of a job on this machine as two child processes over TCP on 127.0.0.1
 * (see `cli/launcher.ts`), printing their prefixed output and the result.
 *
 * The default job is secure k-means (cli/launch/kmeans.ts):
 *
 *     deno task launch                      # Mall rows 1-100 (A) / 101-200 (B), k = 5
 *     deno task launch --partition vertical # A: Annual Income, B: Spending Score, on CustomerID
 *     deno task launch --data-a a.csv --data-b b.csv --features x,y --k 3 --init random --init-seed 1
 *     deno task launch --seed 7             # reproducible bit for bit: NOT private (see below)
 *     deno task launch --k 1..10 --plot elbow.svg   # secure elbow: only the inertias revealed
 *
 * Other jobs (`--job secure-sum`, `--job net-bench`) keep the generic form (cli/launch/job.ts;
 * arguments after `--` go to both parties):
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

import { runMain } from "./main.ts";
import { kmeansMain } from "./launch/kmeans.ts";
import { jobMain } from "./launch/job.ts";

/** True when the arguments ask for the k-means job (the default). */
function isKmeans(args: string[]): boolean {
  if (args.includes("--")) return false;
  const jobAt = args.findIndex((a) => a === "--job" || a.startsWith("--job="));
  if (jobAt < 0) return true;
  const name = args[jobAt].includes("=") ? args[jobAt].split("=")[1] : args[jobAt + 1];
  return name === "kmeans";
}

if (import.meta.main) {
  await runMain(() => isKmeans(Deno.args) ? kmeansMain(Deno.args) : jobMain(Deno.args));
}
