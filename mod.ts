/**
 * Two-party privacy-preserving k-means: the public API. The folders are layers, each
 * importing only the ones before it (checked by `deno task lint:layers`):
 *
 * - `core/`: errors, PRG, validators, tuning.
 * - `party/`: channels (TCP/TLS, in-memory), handshake, coin toss, session.
 * - `ot/`: Chou–Orlandi base OT and IKNP extension.
 * - `protocol/`: secret-shared fixed-point arithmetic, dealer-free preprocessing, comparison,
 *   conversions, argmin, PSI.
 * - `kmeans/`: the plaintext reference, init, plots; `kmeans/secure/` the secure algorithm.
 * - `jobs/`: the job interface, registry and runner; secure k-means, secure-sum, net-bench.
 * - `data/`: CSV loading and synthetic data.
 *
 * Each folder's `mod.ts` lists its exports explicitly; this module gathers them.
 *
 * @module
 */

export * from "./core/mod.ts";
export * from "./party/mod.ts";
export * from "./ot/mod.ts";
export * from "./protocol/mod.ts";
export * from "./kmeans/mod.ts";
export * from "./jobs/mod.ts";
export * from "./data/mod.ts";
