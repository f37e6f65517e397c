/**
 * `deno task launch --job NAME` for the jobs other than k-means (`secure-sum`, `net-bench`):
 * the generic form, where arguments after `--` go to both parties and the launcher prints the
 * result party A reported.
 *
 * Data: `--data FILE --split N` gives the first N data rows to party A and the rest to party B
 * (cli/launch/split.ts); or each party gets its own file with `--data-a` / `--data-b`. Without
 * data options, the Mall demo's rows are split and secure-sum adds up its numeric columns.
 * TLS: all five `--tls-*` files, or none.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import { checkOutputPath } from "../../core/files.ts";
import { type FlagSpec, type FlagValues, parseFlags, stringFlag } from "../main.ts";
import { launchParties } from "../launcher.ts";
import { MALL_CSV, MALL_CSV_NAME, MALL_ROWS_FOR_A, MALL_SUM_COLUMNS } from "../demo.ts";
import { splitCsv } from "./split.ts";

const HELP =
  `usage: deno task launch --job NAME [--data FILE --split N | --data-a FILE --data-b FILE]
                         [--tls-ca CA --tls-cert-a C --tls-key-a K --tls-cert-b C --tls-key-b K]
                         [--json PATH] [-- ARGS FOR BOTH PARTIES]
e.g.:  deno task launch --job secure-sum --data FILE --split 500 -- --columns Age,Income
defaults: --data ${MALL_CSV_NAME} --split ${MALL_ROWS_FOR_A}; secure-sum: --columns "${MALL_SUM_COLUMNS}"
(without --job, launch runs secure k-means: deno task launch --help lists its options)`;

const TLS_FLAGS = ["tls-ca", "tls-cert-a", "tls-key-a", "tls-cert-b", "tls-key-b"] as const;

const OPTIONS: Record<string, FlagSpec> = {
  data: { type: "string" },
  split: { type: "string", default: String(MALL_ROWS_FOR_A) },
  "data-a": { type: "string" },
  "data-b": { type: "string" },
  ...Object.fromEntries(TLS_FLAGS.map((name) => [name, { type: "string" }])),
  json: { type: "string" },
  job: { type: "string" },
  help: { type: "boolean" },
};

/** Each party's TLS arguments: none, or its certificate and key with the shared CA. */
function tlsArgs(values: FlagValues): [string[], string[]] {
  const given = TLS_FLAGS.filter((name) => values[name] !== undefined);
  if (given.length === 0) return [[], []];
  if (given.length !== TLS_FLAGS.length) {
    throw new InputError(`TLS needs all of ${TLS_FLAGS.map((n) => "--" + n).join(", ")}`);
  }
  const party = (p: "a" | "b") => [
    "--tls-ca",
    String(values["tls-ca"]),
    "--tls-cert",
    String(values[`tls-cert-${p}`]),
    "--tls-key",
    String(values[`tls-key-${p}`]),
  ];
  return [party("a"), party("b")];
}

/** The two parties' files: their own, or one file (the demo's by default) split in two. */
async function partyFiles(values: FlagValues, tempDir: string): Promise<[string, string]> {
  const dataA = stringFlag(values, "data-a");
  const dataB = stringFlag(values, "data-b");
  if (dataA || dataB) {
    if (!dataA || !dataB || values.data) {
      throw new InputError("give both --data-a and --data-b (and not --data)");
    }
    return [dataA, dataB];
  }
  const split = Number(values.split);
  if (!Number.isInteger(split)) throw new InputError(`--split must be an integer`);
  return await splitCsv({
    path: stringFlag(values, "data") ?? MALL_CSV,
    rowsForA: split,
    dir: tempDir,
  });
}

/** Runs the generic launch; returns the exit code. */
export async function jobMain(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, OPTIONS, { positionals: true });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const json = stringFlag(values, "json");
  if (json !== undefined) checkOutputPath(json, "--json");
  const forwarded = [...positionals];
  const job = stringFlag(values, "job");
  if (job !== undefined) {
    forwarded.unshift("--job", job);
    if (job === "secure-sum" && !values.data && !forwarded.includes("--columns")) {
      forwarded.push("--columns", MALL_SUM_COLUMNS);
    }
  }
  const tempDir = await Deno.makeTempDir({ prefix: "ppkm-split-" });
  try {
    const files = await partyFiles(values, tempDir);
    const splitDemo = !values.data && !values["data-a"] && !values["data-b"];
    if (splitDemo && !forwarded.includes("--job") && !forwarded.includes("--columns")) {
      forwarded.push("--columns", MALL_SUM_COLUMNS);
    }
    const tls = tlsArgs(values);
    const outcome = await launchParties({
      commonArgs: forwarded,
      partyArgs: [["--data", files[0], ...tls[0]], ["--data", files[1], ...tls[1]]],
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
    if (json !== undefined) {
      try {
        await Deno.writeTextFile(json, JSON.stringify(outcome.reports, null, 2) + "\n");
      } catch (error) {
        throw new InputError(`cannot write --json ${json}: ${(error as Error).message}`);
      }
    }
    return 0;
  } finally {
    await Deno.remove(tempDir, { recursive: true }).catch(() => {});
  }
}
