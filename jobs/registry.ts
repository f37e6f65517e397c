/**
 * The one registry of jobs a party can run (`--job NAME`), used by `deno task party` and
 * `deno task launch`. Add new jobs here.
 *
 * @module
 */

import type { PartyJob } from "./job.ts";
import { kmeansJob } from "./kmeans/job.ts";
import { netBenchJob } from "./net_bench.ts";
import { secureSumJob } from "./secure_sum.ts";

/** Every job, by name. */
export const JOBS: ReadonlyMap<string, PartyJob> = new Map(
  [kmeansJob, secureSumJob, netBenchJob].map((job) => [job.name, job]),
);

/** The product: a party runs secure k-means unless told otherwise. */
export const DEFAULT_JOB: string = kmeansJob.name;
