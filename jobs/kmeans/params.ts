/**
 * The public parameters of the secure k-means job: its command-line options, their
 * strict validation, the parameter object both parties compare in the session handshake, and
 * the list of values a run reveals (printed before connecting).
 *
 * Everything here is public by design: the parameters are exchanged in the handshake and a
 * mismatch stops both parties before any secret is touched (party/handshake.ts). For the
 * horizontal partition the selected feature names are a parameter, so two parties that picked
 * different columns (or the same columns in another order) stop with an error naming
 * "features" instead of clustering meaningless rows.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";
import { MAX_JOB_CELLS as JOB_CELL_BUDGET } from "../../core/tuning.ts";
import { parseDecimalInteger, parseNonNegativeNumber } from "../../core/validate.ts";
import { splitFeatureList } from "../../data/csv.ts";
import type { JsonValue } from "../../core/json.ts";
import type { PartyJob } from "../job.ts";
import { parseInit } from "../../kmeans/init.ts";
import type { Partition } from "../../kmeans/secure/layout.ts";
import type { DistanceForm } from "../../kmeans/secure/assign.ts";
import {
  elbowRevealedValues,
  revealedValues,
  type RevealMode,
} from "../../kmeans/secure/options.ts";

/** Default public bound on |x|: 2^12 = 4096 data units. */
export const DEFAULT_VALUE_BITS = 12;

/** Bits of the secret-sharing ring Z_2^64 (an agreed public parameter). */
export const RING_BITS = 64;

/** Largest k (one cluster index fits the argmin's one-hot words). */
export const MAX_K = 64;

/** Largest `--max-iter`. */
export const MAX_ITERATIONS = 10_000;

/** Largest `--init-seed` (and launch `--seed`): seeds are 31-bit so every tool can print them. */
export const MAX_INIT_SEED = 2 ** 31 - 1;

/** Largest `--frac-bits` of the secure job (value and fraction bits share the 64-bit ring). */
export const MAX_JOB_FRAC_BITS = 30;

/** Largest `--value-bits`. */
export const MAX_VALUE_BITS = 40;

/** Largest feature count a party may announce (the CSV loader's column limit is lower). */
export const MAX_FEATURES = 4096;

/**
 * Memory budget of one job: n·k·(d+1) ≤ 2^24 cells (joint rows × largest k × (features + 1)).
 * The secure Lloyd keeps a few n·k·(d+1)-sized arrays of 64-bit words plus OT buffers, so this
 * bounds a party's working memory to a few GiB. n comes partly from the peer's announced row
 * count, so the check runs before anything is sized by it.
 */
export const MAX_JOB_CELLS: number = JOB_CELL_BUDGET;

/** Throws a one-line {@link InputError} if n·k·(d+1) exceeds {@link MAX_JOB_CELLS}. */
export function checkJobSize(n: number, k: number, d: number): void {
  const cells = n * k * (d + 1);
  if (!(cells <= MAX_JOB_CELLS)) {
    throw new InputError(
      `job too large: n·k·(d+1) = ${n}·${k}·${d + 1} = ${cells} exceeds the memory budget of ` +
        `${MAX_JOB_CELLS} cells (use fewer rows, clusters or features)`,
    );
  }
}

/** Parsed, validated public parameters of a k-means job (identical on both sides). */
export interface KmeansJobParams {
  /** Partition. */
  partition: Partition;
  /** Clusters: one k, or a sweep range for the elbow. */
  kValues: number[];
  /** Maximum updates. */
  maxIter: number;
  /** Tolerance in data units. */
  tol: number;
  /** Init text (`rows:...`, `random`, `kmeans++`). */
  init: string;
  /**
   * Public seed of `--init random` / `kmeans++` (`--init-seed`), or null to draw it from the
   * joint coin toss. Only chooses the initial rows (kmeans++: the first row and the D² draws);
   * it never feeds any party's private randomness.
   */
  initSeed: number | null;
  /** Reveal mode. */
  reveal: RevealMode;
  /** Distance expression. */
  distance: DistanceForm;
  /** Open the final inertia. */
  revealInertia: boolean;
  /** Open the final sizes. */
  revealFinalSizes: boolean;
  /** Fractional bits. */
  fractionalBits: number;
  /** Public value bound exponent. */
  valueBits: number;
}

/** Parses `K` or `A..B` into the list of k values. */
export function parseKValues(text: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(text);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (from < 1 || to < from || to > MAX_K) {
      throw new InputError(`--k range ${text} must be A..B with 1 <= A <= B <= ${MAX_K}`);
    }
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  return [parseDecimalInteger(text, "--k", 1, MAX_K)];
}

/** Validates the job's option values into {@link KmeansJobParams}; absent ones take defaults. */
export function parseKmeansParams(
  values: Record<string, string | boolean | undefined>,
): KmeansJobParams {
  const text = (name: string): string => {
    const value = values[name] ?? KMEANS_JOB_OPTIONS[name].default;
    return typeof value === "string" ? value : String(value);
  };
  const partition = text("partition");
  if (partition !== "horizontal" && partition !== "vertical") {
    throw new InputError(`--partition must be horizontal or vertical, got ${partition}`);
  }
  const reveal = text("reveal");
  if (reveal !== "sizes" && reveal !== "centroids") {
    throw new InputError(`--reveal must be sizes or centroids, got ${reveal}`);
  }
  const distance = text("distance");
  if (distance !== "dot" && distance !== "square") {
    throw new InputError(`--distance must be dot or square, got ${distance}`);
  }
  const init = text("init");
  parseInit(init);
  const seedText = values["init-seed"];
  return {
    partition,
    kValues: parseKValues(text("k")),
    maxIter: parseDecimalInteger(text("max-iter"), "--max-iter", 1, MAX_ITERATIONS),
    tol: parseNonNegativeNumber(text("tol"), "--tol"),
    init,
    initSeed: seedText === undefined
      ? null
      : parseDecimalInteger(seedText, "--init-seed", 0, MAX_INIT_SEED),
    reveal,
    distance,
    revealInertia: values["reveal-inertia"] === true,
    revealFinalSizes: values["reveal-final-sizes"] === true,
    fractionalBits: parseDecimalInteger(text("frac-bits"), "--frac-bits", 0, MAX_JOB_FRAC_BITS),
    valueBits: parseDecimalInteger(text("value-bits"), "--value-bits", 1, MAX_VALUE_BITS),
  };
}

/**
 * The parameter object compared in the handshake: every field of `params`, the ring size, and
 * (horizontal only) this party's selected feature names in order, which must then be equal.
 */
export function handshakeParams(
  params: KmeansJobParams,
  featureNames: readonly string[],
): Record<string, JsonValue> {
  return {
    ...(params as unknown as Record<string, JsonValue>),
    kValues: params.kValues,
    ringBits: RING_BITS,
    ...(params.partition === "horizontal" ? { features: [...featureNames] } : {}),
  };
}

/** This party's feature list: `--features-a`/`--features-b` for its role, else `--features`. */
export function ownFeatures(
  values: Record<string, string | boolean | undefined>,
  role: 0 | 1,
): string[] {
  const flag = role === 0 ? "features-a" : "features-b";
  const own = values[flag];
  const text = typeof own === "string" ? own : values.features;
  if (typeof text !== "string") {
    throw new InputError(`kmeans needs --features (or --${flag}) NAME,NAME,...`);
  }
  return splitFeatureList(text, typeof own === "string" ? `--${flag}` : "--features");
}

/** What every party learns from the handshake facts and parameters (README's table). */
export const FEATURE_NAMES_REVEAL = "feature names of each party (both)";

/**
 * The values a run of the job reveals, printed before connecting and listed in the result:
 * the library's list (secure_options.ts) plus the feature names exchanged in the handshake,
 * and the joined positions of the init rows only when `--init rows:` asks for that exchange.
 */
export function jobRevealedValues(params: KmeansJobParams): string[] {
  const layout = { partition: params.partition };
  const base = params.kValues.length > 1
    ? elbowRevealedValues(params, layout)
    : revealedValues(params, layout);
  return [FEATURE_NAMES_REVEAL, ...base];
}

/** The job-specific command-line options (also accepted by `deno task launch`). */
export const KMEANS_JOB_OPTIONS: PartyJob["options"] = {
  features: {
    type: "string",
    help: "feature columns of this party (names or 0-based indices; CSV: quote names with ,)",
  },
  "features-a": { type: "string", help: "vertical: party A's feature columns" },
  "features-b": { type: "string", help: "vertical: party B's feature columns" },
  id: { type: "string", help: "ID column to join on (vertical partition)" },
  partition: { type: "string", default: "horizontal", help: "horizontal | vertical" },
  k: { type: "string", default: "5", help: "clusters, or A..B for the secure elbow sweep" },
  "max-iter": { type: "string", default: "10", help: "maximum Lloyd updates" },
  tol: { type: "string", default: "1e-4", help: "stop when no centroid moved more (data units)" },
  init: {
    type: "string",
    default: "random",
    help: "rows:i,j,... (joint row indices) | random | kmeans++ (secure D² sampling)",
  },
  "init-seed": {
    type: "string",
    help: "public seed of --init random|kmeans++ (a job parameter; default: from the coin toss)",
  },
  reveal: { type: "string", default: "centroids", help: "centroids (sizes secret) | sizes" },
  distance: { type: "string", default: "dot", help: "dot (||c||^2 - 2<x,c>) | square" },
  "reveal-inertia": { type: "boolean", help: "also open the final inertia" },
  "reveal-final-sizes": { type: "boolean", help: "also open the final cluster sizes" },
  "frac-bits": { type: "string", default: "16", help: "fixed-point fractional bits" },
  "value-bits": {
    type: "string",
    default: String(DEFAULT_VALUE_BITS),
    help: "public bound |x| < 2^B on every data value",
  },
  plot: {
    type: "string",
    help: "write an SVG (.svg): own rows by label with the centroids, or the elbow for --k A..B",
  },
};
