/**
 * Runs ONE party of a two-party job (one process per party, possibly on two machines):
 *
 *     deno task party --role 0 --listen 0.0.0.0:7000 --data mine.csv --features Age,Income \
 *       --tls-cert a.pem --tls-key a.key --tls-ca ca.pem
 *     deno task party --role 1 --connect host-a:7000 --data theirs.csv --features Age,Income \
 *       --tls-cert b.pem --tls-key b.key --tls-ca ca.pem
 *
 * The default job, kmeans, runs secure k-means (kmeans/job.ts, issue 7; its --json is the
 * k-means result, its --plot an SVG of this party's rows by label or the elbow curve).
 * `--json` and `--plot` paths are checked before connecting, so a bad path never costs a run.
 * Common options are parsed here; the job (`--job`, default kmeans) adds its own (see
 * `party/jobs.ts`). Progress goes to stdout, the result to stdout and, with `--json PATH`, as
 * JSON to PATH. Every failure ends with one `error: ...` line on stderr and a non-zero exit
 * (2 for usage errors and parameter mismatches with the peer, 1 for peer/transport failures).
 * `--insecure-test-seed N` fixes all of this party's private randomness (reproducible runs):
 * INSECURE, for tests and the local harness only. It is refused unless the environment variable
 * PPKM_ALLOW_TEST_SEED=1 is set and the connection is loopback, prints a warning, and is never
 * sent to the peer nor mixed with a job parameter (the k-means `--init-seed` is a separate,
 * public job parameter).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { InputError } from "../core/errors.ts";
import { checkOutputPath } from "../core/files.ts";
import { runMain } from "./main.ts";
import { JOBS as BASE_JOBS } from "../jobs/registry.ts";
import { kmeansJob } from "../jobs/kmeans/job.ts";
import type { JobOption, PartyJob } from "../jobs/job.ts";
import { type HostPort, parseHostPort } from "../party/net.ts";
import { runParty } from "../jobs/runner.ts";
import { readTlsFiles } from "../party/tls.ts";
import { checkTestSeedAllowed, DEFAULT_TIMEOUTS, TEST_SEED_ENV } from "../party/session.ts";

/** Every job of the CLI: the party/ registry plus secure k-means (issue 7). */
const JOBS: ReadonlyMap<string, PartyJob> = new Map([...BASE_JOBS, [kmeansJob.name, kmeansJob]]);
/** The product: a party runs secure k-means unless told otherwise. */
const DEFAULT_JOB = kmeansJob.name;

const COMMON_OPTIONS: Record<string, JobOption> = {
  role: { type: "string", help: "0 or 1 (party A or B); the two parties must differ" },
  listen: { type: "string", help: "HOST:PORT to accept the peer on" },
  connect: { type: "string", help: "HOST:PORT of the listening peer" },
  data: { type: "string", help: "this party's CSV file" },
  job: { type: "string", default: DEFAULT_JOB, help: `job to run: ${[...JOBS.keys()].join(", ")}` },
  json: { type: "string", help: "write the result as JSON to this file" },
  "tls-cert": { type: "string", help: "this party's TLS certificate (PEM); enables mutual TLS" },
  "tls-key": { type: "string", help: "this party's TLS private key (PEM)" },
  "tls-ca": { type: "string", help: "CA certificate (PEM) that must have signed the peer's" },
  "insecure-test-seed": {
    type: "string",
    help: `INSECURE, tests only: fix this party's randomness (needs ${TEST_SEED_ENV}=1, loopback)`,
  },
  "connect-timeout": {
    type: "string",
    help: `seconds to wait for the peer to connect (default ${DEFAULT_TIMEOUTS.connectMs / 1000})`,
  },
  "idle-timeout": {
    type: "string",
    help: `seconds of peer silence before giving up (default ${DEFAULT_TIMEOUTS.idleMs / 1000})`,
  },
  "max-frame-mib": { type: "string", help: "largest message accepted, MiB (default 256)" },
  help: { type: "boolean", help: "show this help" },
};

function usage(job: PartyJob): string {
  const lines = ["usage: deno task party --role 0|1 (--listen|--connect) HOST:PORT [options]", ""];
  const describe = (options: Record<string, JobOption>) => {
    for (const [name, option] of Object.entries(options)) {
      lines.push(
        `  --${(name + (option.type === "string" ? " X" : "")).padEnd(20)} ${option.help}`,
      );
    }
  };
  describe(COMMON_OPTIONS);
  lines.push("", `options of job ${job.name} (${job.summary}):`);
  describe(job.options);
  return lines.join("\n");
}

function seconds(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0 && value <= 86_400)) {
    throw new InputError(`--${name} must be a number of seconds in (0, 86400], got ${text}`);
  }
  return value * 1000;
}

function address(text: string, name: string): HostPort {
  try {
    return parseHostPort(text);
  } catch (error) {
    throw new InputError(`--${name}: ${(error as Error).message}`);
  }
}

function parse(args: string[]) {
  // First pass only to find the job, whose options join the strict second pass.
  const { values: loose } = parseArgs({
    args,
    options: { job: { type: "string" } },
    strict: false,
  });
  const jobName = typeof loose.job === "string" ? loose.job : DEFAULT_JOB;
  const job = JOBS.get(jobName);
  if (!job) {
    throw new InputError(`unknown job ${JSON.stringify(jobName)}; known: ${[...JOBS.keys()]}`);
  }
  const options: Record<string, { type: "string" | "boolean"; default?: string | boolean }> = {};
  for (const [name, option] of Object.entries({ ...COMMON_OPTIONS, ...job.options })) {
    options[name] = option.default === undefined
      ? { type: option.type }
      : { type: option.type, default: option.default };
  }
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    return { job, values: values as Record<string, string | boolean | undefined> };
  } catch (error) {
    throw new InputError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
}

async function main(): Promise<number> {
  const { job, values } = parse(Deno.args);
  if (values.help) {
    console.log(usage(job));
    return 0;
  }
  const str = (name: string) => values[name] as string | undefined;
  if (str("role") !== "0" && str("role") !== "1") throw new InputError("--role must be 0 or 1");
  const role = Number(str("role")) as 0 | 1;
  if (!!str("listen") === !!str("connect")) {
    throw new InputError("give exactly one of --listen HOST:PORT and --connect HOST:PORT");
  }
  const tlsGiven = ["tls-cert", "tls-key", "tls-ca"].filter((name) => str(name) !== undefined);
  if (tlsGiven.length !== 0 && tlsGiven.length !== 3) {
    throw new InputError("mutual TLS needs all of --tls-cert, --tls-key and --tls-ca");
  }
  const listen = str("listen") ? address(str("listen")!, "listen") : undefined;
  const connect = str("connect") ? address(str("connect")!, "connect") : undefined;
  let testSeed: Uint8Array | undefined;
  const testSeedText = str("insecure-test-seed");
  if (testSeedText !== undefined) {
    const seed = Number(testSeedText);
    if (!/^\d+$/.test(testSeedText) || !Number.isSafeInteger(seed)) {
      throw new InputError(
        `--insecure-test-seed must be a non-negative integer, got ${testSeedText}`,
      );
    }
    checkTestSeedAllowed((listen ?? connect)!.hostname, Deno.env.get(TEST_SEED_ENV));
    console.error(
      "warning: --insecure-test-seed: this party's randomness is fixed and predictable, so the " +
        "run is NOT private (reproducible tests and local harness runs only)",
    );
    testSeed = new TextEncoder().encode(`pp-kmeans insecure test seed ${seed}`);
  }
  let maxFrameBytes: number | undefined;
  if (str("max-frame-mib") !== undefined) {
    const mib = Number(str("max-frame-mib"));
    if (!(Number.isInteger(mib) && mib >= 1 && mib <= 4095)) {
      throw new InputError(`--max-frame-mib must be an integer in [1, 4095]`);
    }
    maxFrameBytes = mib * 2 ** 20;
  }
  const jsonPath = str("json");
  if (jsonPath !== undefined) checkOutputPath(jsonPath, "--json");
  const jobValues: Record<string, string | boolean | undefined> = {};
  for (const name of Object.keys(job.options)) jobValues[name] = values[name];
  const tls = tlsGiven.length === 3
    ? await readTlsFiles(str("tls-cert")!, str("tls-key")!, str("tls-ca")!).catch((error) => {
      throw new InputError((error as Error).message);
    })
    : undefined;
  const log = (line: string) => console.log(line);
  const report = await runParty({
    job,
    jobValues,
    role,
    listen,
    connect,
    dataPath: str("data"),
    tls,
    testSeed,
    timeouts: {
      connectMs: seconds(str("connect-timeout"), "connect-timeout"),
      idleMs: seconds(str("idle-timeout"), "idle-timeout"),
    },
    maxFrameBytes,
    log,
  });
  // k-means writes its result object (issue 7's format, stats included); others the report.
  const json = JSON.stringify(job === kmeansJob ? report.result : report, null, 2);
  if (jsonPath !== undefined) {
    try {
      await Deno.writeTextFile(jsonPath, json + "\n");
    } catch (error) {
      throw new InputError(`cannot write --json ${jsonPath}: ${(error as Error).message}`);
    }
  }
  if (job === kmeansJob) logKmeansSummary(report.result, log);
  else log(`result: ${JSON.stringify(report.result)}`);
  const total = (report.traffic as { total: { bytesSent: number; rounds: number } }).total;
  log(
    `sent ${total.bytesSent} bytes in ${total.rounds} rounds; job took ${report.timings.jobMs} ms`,
  );
  return 0;
}

/** A short k-means summary (the labels are in the --json file). */
function logKmeansSummary(result: unknown, log: (line: string) => void): void {
  const r = result as {
    centroids?: number[][];
    elbow?: { k: number; inertia: number }[];
    nIter?: number;
    labels?: number[];
    sizes?: number[];
    inertia?: number;
  };
  if (r.elbow) {
    for (const { k, inertia } of r.elbow) log(`k = ${k}: inertia ${inertia.toFixed(4)}`);
    return;
  }
  log(`centroids after ${r.nIter} updates (labels of ${r.labels?.length} rows in --json):`);
  r.centroids?.forEach((c, j) => {
    const size = r.sizes ? `, size ${r.sizes[j]}` : "";
    log(`  ${j}: (${c.map((x) => x.toFixed(4)).join(", ")})${size}`);
  });
  if (r.inertia !== undefined) log(`inertia ${r.inertia.toFixed(4)}`);
}

if (import.meta.main) await runMain(main);
