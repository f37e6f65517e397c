/**
 * The registry of jobs the party CLI can run (`--job NAME`). Add new jobs here.
 *
 * @module
 */

import type { PartyJob } from "./job.ts";
import { netBenchJob } from "./net_bench_job.ts";
import { secureSumJob } from "./secure_sum_job.ts";

/** Every runnable job, by name. */
export const JOBS: ReadonlyMap<string, PartyJob> = new Map(
  [secureSumJob, netBenchJob].map((job) => [job.name, job]),
);

/** The job used when `--job` is absent. */
export const DEFAULT_JOB = "secure-sum";
