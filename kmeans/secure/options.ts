/**
 * The public face of secure k-means: its options, progress and result types, and the lists
 * of values each configuration opens (printed by the CLIs before a run and returned in the
 * results, so the reveal set is part of the API).
 *
 * @module
 */

import type { DistanceForm } from "./assign.ts";
import type { JointLayout } from "./layout.ts";
import { VERTICAL_REVEALS } from "./vertical.ts";

/** What becomes public during a run. */
export type RevealMode = "sizes" | "centroids";

/** Options of {@link secureKmeans} (all public; both parties pass the same). */
export interface SecureKmeansOptions {
  /** Number of clusters. */
  k: number;
  /** Maximum number of centroid updates. */
  maxIter: number;
  /** Convergence tolerance in data units. */
  tol: number;
  /** Joint row indices of the initial centroids (k distinct rows); ignored with shares. */
  initialRows: readonly number[];
  /**
   * This party's shares of the k × d initial centroids at scale 2^f, when they were chosen
   * securely (secure k-means++, secure_init.ts) instead of by public rows.
   */
  initialCentroids?: BigUint64Array;
  /** The init method's text (`rows:...`, `random`, `kmeans++`), for the revealed list. */
  init?: string;
  /** `centroids` (default): sizes stay secret; `sizes`: cluster sizes opened each update. */
  reveal: RevealMode;
  /** Distance expression compared by the assignment. */
  distance: DistanceForm;
  /** Open the final inertia. */
  revealInertia: boolean;
  /** Open the final cluster sizes. */
  revealFinalSizes: boolean;
  /** Fractional bits f. */
  fractionalBits: number;
  /** Public bound |x| < 2^valueBits. */
  valueBits: number;
  /** Digit size of the long division (default 4). */
  digitBits?: number;
  /** Iterations whose preprocessing is generated up front (default min(maxIter, PLANNED_ITERATIONS of core/tuning.ts)). */
  plannedIterations?: number;
  /** Elbow sweeps: open only the final inertia (no centroids, no labels). */
  inertiaOnly?: boolean;
  /** Called after every update with public progress values. */
  onIteration?: (progress: IterationProgress) => void;
}

/** Public progress of one update. */
export interface IterationProgress {
  /** 1-based update number. */
  iteration: number;
  /** Seconds since the online phase began. */
  elapsedSeconds: number;
  /** Bytes sent so far by this party (all phases). */
  bytesSent: number;
  /** Rounds so far (all phases). */
  rounds: number;
  /** The opened convergence bit. */
  converged: boolean;
  /** Cluster sizes, only in `--reveal sizes` mode. */
  sizes?: number[];
}

/** This party's result. */
export interface SecureKmeansResult {
  /** Final k × d centroids in data units (opened to both). */
  centroids: Float64Array;
  /** Final centroids at scale 2^f (signed). */
  fixedCentroids: BigInt64Array;
  /** Labels of this party's rows (horizontal) or of all joined rows (vertical). */
  labels: Int32Array;
  /** Number of updates performed. */
  nIter: number;
  /** Whether the convergence bit stopped the loop. */
  converged: boolean;
  /** Final cluster sizes, if revealed. */
  sizes?: number[];
  /** Final inertia in data units², if revealed. */
  inertia?: number;
  /** Human-readable list of every value that was opened, and to whom. */
  revealed: string[];
  /** Seconds of the offline phase (preprocessing). */
  offlineSeconds: number;
  /** Seconds of the online phase (iterations and final outputs). */
  onlineSeconds: number;
}

/**
 * What secure k-means++ opens (secure_init.ts): the first centre's row, a draw from the public
 * init seed (independent of the data); the later centres stay secret.
 */
export function kmeansPlusPlusRevealed(partition: JointLayout["partition"]): string[] {
  return [
    `kmeans++: the ${partition === "vertical" ? "joined position" : "joint row index"} of the ` +
    "first initial centre, a uniform draw from the public init seed, independent of the data " +
    "(both); the other centres stay secret",
  ];
}

/** True for the `--init` texts of k-means++. */
export function isKmeansPlusPlus(init: string | undefined): boolean {
  const text = init?.trim();
  return text === "kmeans++" || text === "k-means++";
}

/** What `--init random` makes public: the rows it draws from the public init seed. */
function randomInitRevealed(init: string | undefined): string[] {
  return init?.trim() === "random"
    ? [
      "--init random: the k initial rows, drawn from the public init seed, independent of the " +
      "data (both)",
    ]
    : [];
}

/** True for `--init rows:...` (public joint row indices). */
function isRowsInit(init: string | undefined): boolean {
  return init?.trim().startsWith("rows:") ?? false;
}

/** What a vertical run's join reveals for this init (the elbow sweep has no labels). */
function verticalJoinRevealed(init: string | undefined): string[] {
  return [...VERTICAL_REVEALS.join, ...(isRowsInit(init) ? [VERTICAL_REVEALS.initRows] : [])];
}

/** The list of opened values for these options (printed by the CLIs before a run). */
export function revealedValues(
  options: Pick<SecureKmeansOptions, "reveal" | "revealInertia" | "revealFinalSizes" | "init">,
  layout: Pick<JointLayout, "partition">,
): string[] {
  const out = layout.partition === "horizontal"
    ? [
      "row count of each party (both)",
      "convergence bit of each iteration (both)",
      "final centroids (both)",
      "final labels of each party's own rows (that party only)",
    ]
    : [
      ...verticalJoinRevealed(options.init),
      VERTICAL_REVEALS.labels,
      "convergence bit of each iteration (both)",
      "final centroids (both)",
    ];
  if (isKmeansPlusPlus(options.init)) out.push(...kmeansPlusPlusRevealed(layout.partition));
  out.push(...randomInitRevealed(options.init));
  if (options.reveal === "sizes") out.push("cluster sizes of each iteration (both)");
  if (options.revealFinalSizes) out.push("final cluster sizes (both)");
  if (options.revealInertia) out.push("final inertia (both)");
  return out;
}

/** The list of opened values of the secure elbow sweep (one run per k, inertia only). */
export function elbowRevealedValues(
  options: Pick<SecureKmeansOptions, "reveal" | "init">,
  layout: Pick<JointLayout, "partition">,
): string[] {
  return [
    ...(layout.partition === "horizontal"
      ? ["row count of each party (both)"]
      : verticalJoinRevealed(options.init)),
    ...(isKmeansPlusPlus(options.init) ? kmeansPlusPlusRevealed(layout.partition) : []),
    ...randomInitRevealed(options.init),
    "convergence bit of each iteration (both)",
    "final inertia for each k (both)",
    ...(options.reveal === "sizes" ? ["cluster sizes of each iteration (both)"] : []),
  ];
}
