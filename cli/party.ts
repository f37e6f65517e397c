/**
 * Runs ONE party of a two-party job (one process per party, possibly on two machines):
 *
 *     deno task party --role 0 --listen 0.0.0.0:7000 --data mine.csv --features Age,Income \
 *       --tls-cert a.pem --tls-key a.key --tls-ca ca.pem
 *     deno task party --role 1 --connect host-a:7000 --data theirs.csv --features Age,Income \
 *       --tls-cert b.pem --tls-key b.key --tls-ca ca.pem
 *
 * The default job, kmeans, runs secure k-means (jobs/kmeans/job.ts; its --json is the
 * k-means result, its --plot an SVG of this party's rows by label or the elbow curve).
 * `--json` and `--plot` paths are checked before connecting, so a bad path never costs a run.
 * Common options are parsed here; the job (`--job`, default kmeans) adds its own (see
 * `jobs/registry.ts`). Progress goes to stdout, the result to stdout and, with `--json PATH`, as
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
import { parseFlags, runMain } from "./main.ts";
import { DEFAULT_JOB, JOBS } from "../jobs/registry.ts";
import type { JobOption, PartyJob } from "../jobs/job.ts";
import { type HostPort, parseHostPort } from "../party/net.ts";
import { runParty } from "../jobs/runner.ts";
import { readTlsFiles } from "../party/tls.ts";
import { checkTestSeedAllowed, DEFAULT_TIMEOUTS, TEST_SEED_ENV } from "../party/session.ts";

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
  const { values } = parseFlags(args, { ...COMMON_OPTIONS, ...job.options });
  return { job, values };
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
  const json = JSON.stringify(job.jsonContent === "result" ? report.result : report, null, 2);
  if (jsonPath !== undefined) {
    try {
      await Deno.writeTextFile(jsonPath, json + "\n");
    } catch (error) {
      throw new InputError(`cannot write --json ${jsonPath}: ${(error as Error).message}`);
    }
  }
  const summary = job.summarize?.(report.result) ?? [`result: ${JSON.stringify(report.result)}`];
  for (const line of summary) log(line);
  const total = report.traffic.total;
  log(
    `sent ${total.bytesSent} bytes in ${total.rounds} rounds; job took ${report.timings.jobMs} ms`,
  );
  return 0;
}

if (import.meta.main) await runMain(main);
