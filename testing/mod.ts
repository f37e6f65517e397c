/**
 * The harness shared by `tests/` and `bench/` (never imported by production code): a pair of
 * MPC contexts over the in-memory channel with deterministic test seeds, secure k-means split
 * between two simulated parties in one process, running a CLI as a user would, and starting a
 * two-process benchmark.
 *
 * @module
 */

export { type CliOutcome, runCli } from "./cli.ts";
export { memoryContextPair, testSeed } from "./mpc_pair.ts";
export { runSplitInMemory } from "./secure_kmeans.ts";
export { freePort, launchBothRoles, positiveInt } from "./two_process.ts";
export { spawnWatched, type WatchedProcess } from "./process.ts";
