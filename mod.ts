/**
 * Two-party privacy-preserving k-means: the public API.
 *
 * - `party/`: channels (TCP/TLS, in-memory), handshake, coin toss, PRG, jobs and launcher.
 * - `ot/`: Chou–Orlandi base OT and IKNP extension.
 * - `protocol/`: secret-shared fixed-point arithmetic, dealer-free preprocessing, comparison,
 *   conversions and argmin.
 * - `kmeans/`: the plaintext reference, the secure Lloyd iterations, plots.
 * - `data/`: CSV loading and synthetic data.
 *
 * Each folder's `mod.ts` lists its exports explicitly; this module gathers them.
 *
 * @module
 */

export * from "./party/mod.ts";
export * from "./ot/mod.ts";
export * from "./protocol/mod.ts";
export * from "./kmeans/mod.ts";
export * from "./data/mod.ts";
