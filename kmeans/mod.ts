/**
 * k-means: the plaintext reference (float64 and fixed point), initialisation, plots, and the
 * secure algorithm (`secure/`: Lloyd iterations, kmeans++, the vertical join).
 * The plot functions load vega lazily, so importing this module stays light.
 *
 * @module
 */

export { assignFloat64, gatherRows, kmeans, kmeansFloat64, updateFloat64 } from "./plain.ts";
export type { Matrix } from "./plain.ts";
export {
  decodeFixedPoint,
  encodeFixedPoint,
  fixedPointDistances,
  fixedPointLloydStep,
  kmeansFixed,
  toleranceThreshold,
} from "./fixed_reference.ts";
export type { FixedStepResult, FixedVector } from "./fixed_reference.ts";
export {
  chooseInitialRows,
  fixedKmeansPlusPlus,
  formatInit,
  INIT_SYNTAX,
  initSeed,
  kmeansPlusPlusDraws,
  parseInit,
} from "./init.ts";
export type { InitMethod, KmeansPlusPlusDraws } from "./init.ts";
export {
  DEFAULT_DRAW_BITS,
  kmeansPlusPlusPlan,
  secureKmeansPlusPlus,
  shareInitialRows,
} from "./secure/init.ts";
export type { KmeansPlusPlusPlan, SecureKmeansPlusPlusOptions } from "./secure/init.ts";
export {
  clusterSizes,
  DEFAULT_FRAC_BITS,
  DEFAULT_MAX_ITER,
  DEFAULT_TOL,
  MAX_FRAC_BITS,
  resolveOptions,
} from "./options.ts";
export type { KMeansOptions, KMeansResult, ResolvedKMeansOptions } from "./options.ts";
export { elbowPlotSvg, MAX_PLOT_POINTS, renderVegaLiteSvg, scatterPlotSvg } from "./plot.ts";
export type { ScatterPlotInput } from "./plot.ts";
export { secureKmeans } from "./secure/lloyd.ts";
export { elbowRevealedValues, revealedValues } from "./secure/options.ts";
export type {
  IterationProgress,
  RevealMode,
  SecureKmeansOptions,
  SecureKmeansResult,
} from "./secure/options.ts";
export type { DistanceForm } from "./secure/assign.ts";
export { checkValueBound, jointLayout, secureBounds } from "./secure/layout.ts";
export type { JointLayout, OwnerBlock, Partition, SecureBounds } from "./secure/layout.ts";
export { joinVertical } from "./secure/vertical.ts";
