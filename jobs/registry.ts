/**
 * The registry of jobs the party CLI can run (`--job NAME`). Add new jobs here.
 *
 * @module
 */

import type { PartyJob } from "./job.ts";
import { netBenchJob } from "./net_bench.ts";
import { secureSumJob } from "./secure_sum.ts";

/** The runtime's own jobs, by name (cli/party.ts adds k-means, its default job). */
export const JOBS: ReadonlyMap<string, PartyJob> = new Map(
  [secureSumJob, netBenchJob].map((job) => [job.name, job]),
);
