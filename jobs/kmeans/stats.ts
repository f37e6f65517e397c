/**
 * Traffic and timing report of the secure k-means job: the
 * `stats` object of the party's JSON result and one log line per traffic phase.
 *
 * Only public accounting (bytes, rounds, seconds) is reported; never shares or data.
 *
 * @module
 */

import type { ChannelStats, PhaseStats } from "../../party/channel.ts";
import type { KmeansStats } from "./result.ts";
import type { JobContext } from "../job.ts";

/** The `stats` object of the JSON result. */
export function jobStats(
  snapshot: ReturnType<ChannelStats["snapshot"]>,
  started: number,
  phases: { offlineSeconds: number; onlineSeconds: number },
): KmeansStats {
  const { offlineSeconds, onlineSeconds } = phases;
  return {
    seconds: (performance.now() - started) / 1000,
    offlineSeconds,
    onlineSeconds,
    bytesSent: snapshot.total.bytesSent,
    bytesReceived: snapshot.total.bytesReceived,
    rounds: snapshot.total.rounds,
    byPhase: snapshot.byPhase,
  };
}

/** One line per traffic phase that carried bytes (setup, base-ot, join, offline, online). */
export function logPhases(job: JobContext, byPhase: Record<string, PhaseStats>): void {
  for (const [phase, p] of Object.entries(byPhase)) {
    if (p.bytesSent + p.bytesReceived === 0) continue;
    job.log(
      `  phase ${phase}: sent ${p.bytesSent} bytes, received ${p.bytesReceived}, ${p.rounds} rounds`,
    );
  }
}
