/**
 * The per-party context every secure protocol receives.
 *
 * Ordering rule: the two parties run the same sequence of protocol calls. When a protocol needs
 * OTs in both directions, party 0 runs its `ot.sender` half first and party 1 its
 * `ot.receiver` half first, then the other way round, so the two sides always match.
 *
 * @module
 */

import type { Channel } from "../party/channel.ts";
import type { Prg } from "../core/prg.ts";
import type { OtEndpoints } from "../ot/types.ts";
import type { Role } from "../core/role.ts";

export type { Role } from "../core/role.ts";

/** Everything a two-party protocol needs on one side. */
export interface MpcContext {
  /** This party's index. */
  readonly role: Role;
  /** The ordered channel to the peer. */
  readonly channel: Channel;
  /** Private randomness of this party (seeded from `crypto.getRandomValues` or a test seed). */
  readonly prg: Prg;
  /** Randomness common to both parties (seeded by the commit-then-open coin toss). */
  readonly jointPrg: Prg;
  /** OT-extension endpoints in both directions. */
  readonly ot: OtEndpoints;
}
