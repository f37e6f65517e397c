/**
 * What one secure k-means run shares between its steps (kmeans++ init, the Lloyd run or the
 * elbow sweep): the session, the public parameters and this party's encoded input.
 *
 * @module
 */

import type { MpcContext } from "../../protocol/context.ts";
import type { JointLayout } from "../../kmeans/secure/layout.ts";
import type { JobContext } from "../job.ts";
import type { KmeansJobParams } from "./params.ts";

/** One party's state of a secure k-means run. */
export interface SecureRun {
  /** The MPC context (channel, PRGs, OT). */
  ctx: MpcContext;
  /** The job's session context (log, peer facts). */
  job: JobContext;
  /** The agreed public parameters. */
  params: KmeansJobParams;
  /** Who holds which rows and columns. */
  layout: JointLayout;
  /** This party's encoded values, in the joint order. */
  own: BigUint64Array;
  /** The public init seed. */
  initSeed: number;
  /** `performance.now()` when the job started. */
  started: number;
}
