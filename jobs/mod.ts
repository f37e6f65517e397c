/**
 * Jobs: what a party runs over an established session. The job interface, the one registry of
 * every job (`--job NAME`), the runner (prepare, connect, run, the closing agreement), and the
 * jobs themselves: secure k-means (`kmeans/`), secure-sum and net-bench.
 *
 * @module
 */

export type { JobContext, JobOption, JobPrepareInput, PartyJob, PreparedJob } from "./job.ts";
export { DEFAULT_JOB, JOBS } from "./registry.ts";
export { type PartyReport, type PartyRunOptions, runParty } from "./runner.ts";
export { secureSumJob } from "./secure_sum.ts";
export { netBenchJob } from "./net_bench.ts";
export { kmeansJob, parseKmeansParams, runKmeansJob } from "./kmeans/job.ts";
export type { KmeansJobInput, KmeansJobParams } from "./kmeans/job.ts";
