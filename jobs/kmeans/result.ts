/**
 * The result of the secure k-means job: the one type that the job writes (`--json` of
 * `deno task party`) and every reader uses (the launcher, tests), with a reader that checks
 * the parsed JSON has that shape before anything trusts it.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import type { JsonValue } from "../../core/json.ts";
import type { PhaseStats } from "../../party/channel.ts";

/** Traffic and time of one party's run. */
export interface KmeansStats {
  /** Wall-clock seconds of the job. */
  seconds: number;
  /** Seconds of the offline phase (preprocessing). */
  offlineSeconds: number;
  /** Seconds of the online phase (iterations). */
  onlineSeconds: number;
  /** Bytes this party sent. */
  bytesSent: number;
  /** Bytes this party received. */
  bytesReceived: number;
  /** Rounds (direction changes) seen by this party. */
  rounds: number;
  /** The same counters by traffic phase. */
  byPhase: Record<string, PhaseStats>;
}

/** A clustering run (one k). */
export interface KmeansRunResult {
  /** k × d revealed centroids. */
  centroids: number[][];
  /** Lloyd updates performed. */
  nIter: number;
  /** Whether the run stopped because no centroid moved more than the tolerance. */
  converged: boolean;
  /** This party's labels, in its own file order. */
  labels: number[];
  /** Feature names of the joint matrix (vertical: A's then B's). */
  featureNames: string[];
  /** Initial rows in this party's file order (empty for kmeans++, whose rows stay secret). */
  initialRows: number[];
  /** The public init seed (random, kmeans++). */
  initSeed: number;
  /** What the run revealed. */
  revealed: string[];
  /** kmeans++: seconds of the secure initialisation. */
  initSeconds?: number;
  /** kmeans++, vertical: this party's joined-position → own-file-row map (local only). */
  joinedOrder?: number[];
  /** Final cluster sizes, when revealed. */
  sizes?: number[];
  /** Final inertia, when revealed. */
  inertia?: number;
  /** Traffic and time. */
  stats: KmeansStats;
}

/** One point of the secure elbow sweep. */
export interface ElbowPoint {
  /** Clusters. */
  k: number;
  /** Revealed inertia at convergence. */
  inertia: number;
  /** Lloyd updates performed. */
  nIter: number;
}

/** A secure elbow sweep (`--k A..B`): only the inertias are revealed. */
export interface KmeansElbowResult {
  /** Inertia per k. */
  elbow: ElbowPoint[];
  /** What the run revealed. */
  revealed: string[];
  /** Traffic and time. */
  stats: KmeansStats;
}

/** What the k-means job returns and writes. */
export type KmeansPartyResult = KmeansRunResult | KmeansElbowResult;

/** True for the result of an elbow sweep. */
export function isElbowResult(result: KmeansPartyResult): result is KmeansElbowResult {
  return "elbow" in result;
}

/** The result as the JSON value a job returns. */
export function toJsonResult(result: KmeansPartyResult): JsonValue {
  return result as unknown as JsonValue;
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((x) => typeof x === "number");
}

/**
 * Checks that `json` (a parsed party result file) is a {@link KmeansPartyResult}; throws an
 * {@link InputError} naming `source` and the first missing or malformed field otherwise.
 */
export function readKmeansPartyResult(json: unknown, source: string): KmeansPartyResult {
  const fail = (field: string): never => {
    throw new InputError(`${source}: not a k-means result (field ${field})`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail("(root)");
  const r = json as Record<string, unknown>;
  const stats = r.stats as Record<string, unknown> | undefined;
  if (typeof stats !== "object" || stats === null) fail("stats");
  for (const name of ["seconds", "bytesSent", "bytesReceived", "rounds"]) {
    if (typeof stats![name] !== "number") fail(`stats.${name}`);
  }
  if (!Array.isArray(r.revealed)) fail("revealed");
  if ("elbow" in r) {
    const points = r.elbow;
    if (!Array.isArray(points)) fail("elbow");
    for (const p of points as unknown[]) {
      const point = p as Record<string, unknown>;
      if (typeof point?.k !== "number" || typeof point.inertia !== "number") fail("elbow");
    }
    return r as unknown as KmeansElbowResult;
  }
  if (!Array.isArray(r.centroids) || !r.centroids.every(isNumberArray)) fail("centroids");
  if (!isNumberArray(r.labels)) fail("labels");
  if (!isNumberArray(r.initialRows)) fail("initialRows");
  if (typeof r.nIter !== "number") fail("nIter");
  if (r.joinedOrder !== undefined && !isNumberArray(r.joinedOrder)) fail("joinedOrder");
  return r as unknown as KmeansRunResult;
}

/** The lines `deno task party` prints after a run (the labels are in the `--json` file). */
export function summarizeKmeansResult(result: KmeansPartyResult): string[] {
  if (isElbowResult(result)) {
    return result.elbow.map(({ k, inertia }) => `k = ${k}: inertia ${inertia.toFixed(4)}`);
  }
  const lines = [
    `centroids after ${result.nIter} updates (labels of ${result.labels.length} rows in --json):`,
  ];
  result.centroids.forEach((c, j) => {
    const size = result.sizes ? `, size ${result.sizes[j]}` : "";
    lines.push(`  ${j}: (${c.map((x) => x.toFixed(4)).join(", ")})${size}`);
  });
  if (result.inertia !== undefined) lines.push(`inertia ${result.inertia.toFixed(4)}`);
  return lines;
}
