/**
 * Runs both k-means parties of a launch: builds the arguments both children get (the job's
 * public parameters) and each party's own (its file and features), starts them with
 * cli/launcher.ts, and reads each party's result file as a {@link KmeansPartyResult}.
 *
 * `--seed S` (the harness seed) passes `--insecure-test-seed S` to both children with the
 * test-seed variable set in their environment, which fixes their private randomness: a warning
 * says such a run is not private.
 *
 * @module
 */

import { EXIT_FAILURE, InputError } from "../../core/errors.ts";
import { TEST_SEED_ENV } from "../../party/session.ts";
import { type KmeansPartyResult, readKmeansPartyResult } from "../../jobs/kmeans/result.ts";
import { ExitError, type FlagValues } from "../main.ts";
import { launchParties, PARTY_NAMES } from "../launcher.ts";

/** The launch options forwarded to both parties unchanged (the job's public parameters). */
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

/** Options of {@link runKmeansParties}. */
export interface PartyRunOptions {
  /** The launch's flags (after the demo defaults). */
  values: FlagValues;
  /** Party A's and party B's CSV. */
  files: [string, string];
  /** Party A's and party B's feature lists. */
  features: [string, string];
  /** `--seed S`, if given. */
  harnessSeed?: string;
  /** The launch's temporary directory (removed by the launcher too on an interrupt). */
  tempDir: string;
}

/** Both parties' results and the wall time of the whole run. */
export interface PartyRun {
  /** Party A's and party B's results. */
  results: [KmeansPartyResult, KmeansPartyResult];
  /** Seconds from spawning both processes until both exited. */
  seconds: number;
}

/** The arguments both parties get: the job, its public parameters, the harness seed. */
function commonArgs(values: FlagValues, harnessSeed: string | undefined): string[] {
  const args = ["--job", "kmeans"];
  for (const name of JOB_OPTION_NAMES) {
    const value = values[name];
    if (typeof value === "string") args.push(`--${name}`, value);
    else if (value === true) args.push(`--${name}`);
  }
  if (harnessSeed !== undefined) args.push("--insecure-test-seed", harnessSeed);
  return args;
}

/**
 * Starts both parties and waits for them; a failed party ends the launch with its exit code
 * and the launcher's failure line (which repeats the first failed party's own error).
 */
export async function runKmeansParties(options: PartyRunOptions): Promise<PartyRun> {
  const { files, features, harnessSeed } = options;
  if (harnessSeed !== undefined) {
    console.log(
      `warning: --seed ${harnessSeed} fixes both parties' randomness for a reproducible run: ` +
        `this mode is NOT private (harness and demos on one machine only)`,
    );
    // Inherited by both children (Deno.Command keeps the environment); they run on loopback.
    Deno.env.set(TEST_SEED_ENV, "1");
  }
  const started = performance.now();
  const outcome = await launchParties({
    commonArgs: commonArgs(options.values, harnessSeed),
    partyArgs: [
      ["--data", files[0], "--features", features[0]],
      ["--data", files[1], "--features", features[1]],
    ],
    tempDirs: [options.tempDir], // removed by the launcher too if the user interrupts
  });
  const seconds = (performance.now() - started) / 1000;
  if (outcome.exitCode !== 0) {
    throw new ExitError(
      outcome.failure ??
        `party A exited with ${outcome.exitCodes[0]}, party B with ${outcome.exitCodes[1]}`,
      outcome.exitCode,
    );
  }
  const results = [0, 1].map((role) => readResult(outcome.reports[role], role));
  return { results: [results[0], results[1]], seconds };
}

/**
 * A party's result file, checked. A missing or malformed one is a party failure (exit 1), not
 * the user's input.
 */
function readResult(report: unknown, role: number): KmeansPartyResult {
  if (report === null) throw new ExitError("a party wrote no result", EXIT_FAILURE);
  try {
    return readKmeansPartyResult(report, `party ${PARTY_NAMES[role]}'s result`);
  } catch (error) {
    if (error instanceof InputError) throw new ExitError(error.message, EXIT_FAILURE);
    throw error;
  }
}
