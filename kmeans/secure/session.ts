/**
 * What every step of one secure Lloyd run shares: the MPC context, the correlation pool, who
 * holds which data, the bit budget, this party's encoded input and the run's options.
 *
 * @module
 */

import type { MpcContext } from "../../protocol/context.ts";
import type { PreprocessingStore } from "../../protocol/preprocessing.ts";
import type { JointLayout, SecureBounds } from "./layout.ts";
import type { SecureKmeansOptions } from "./options.ts";

/** One party's state of a secure Lloyd run. */
export interface LloydSession {
  /** Channel, PRGs and OT endpoints. */
  readonly ctx: MpcContext;
  /** The run's preprocessed correlations. */
  readonly pool: PreprocessingStore;
  /** Who holds which rows and columns. */
  readonly layout: JointLayout;
  /** The public bit budget of the values, distances and shifts. */
  readonly bounds: SecureBounds;
  /** This party's encoded values (its blocks of the joint matrix). */
  readonly own: BigUint64Array;
  /** The run's options. */
  readonly options: SecureKmeansOptions;
}
