/**
 * The party runner for the k-means job: `party/party_runner.ts`'s runParty, except for the
 * final flush. The generic runner flushes after the job and fails if the peer has closed the
 * connection by then; for a job that ends the moment both parties have their outputs, the peer
 * may legitimately close between our last receive and that flush (we saw this in about 1 run
 * in 15 on the loaded 2-core machine). The k-means job ends with a goodbye exchange
 * (kmeans/job.ts): once we hold the peer's goodbye, the peer has received every frame we sent
 * (frames are ordered) and nothing else will be sent, so a transport error at the final flush
 * is ignored here. Every error before that is reported as usual.
 *
 * Security: no protocol data; the same public report as the generic runner.
 *
 * @module
 */

import { ChannelError } from "../party/channel.ts";
import { type JsonValue, toHex } from "../party/handshake.ts";
import type { PartyReport, PartyRunOptions } from "../party/party_runner.ts";
import { connectSession } from "../party/session.ts";

/** Runs one party of the k-means job end to end (see the module doc). */
export async function runKmeansParty(options: PartyRunOptions): Promise<PartyReport> {
  const { job, log } = options;
  const prepared = await job.prepare({
    role: options.role,
    dataPath: options.dataPath,
    values: options.jobValues,
    log,
  });
  const started = performance.now();
  const session = await connectSession({
    role: options.role,
    listen: options.listen,
    connect: options.connect,
    tls: options.tls,
    params: { job: job.name, ...prepared.params },
    facts: prepared.facts,
    testSeed: options.testSeed,
    timeouts: options.timeouts,
    channel: options.maxFrameBytes ? { maxFrameBytes: options.maxFrameBytes } : undefined,
    log,
  });
  const sessionMs = performance.now() - started;
  log(`session established with ${session.channel.peer} (id ${toHex(session.sessionId)})`);
  try {
    const jobStarted = performance.now();
    const result = await prepared.run({
      channel: session.channel,
      role: session.role,
      sessionId: session.sessionId,
      jointSeed: session.jointSeed,
      privateSeed: session.privateSeed,
      peerFacts: session.peerFacts,
      log,
    });
    const jobMs = performance.now() - jobStarted;
    try {
      await session.channel.flush();
    } catch (error) {
      // After the goodbye exchange a closed peer is expected, not a failure.
      if (!(error instanceof ChannelError)) throw error;
    }
    return {
      job: job.name,
      role: options.role,
      sessionId: toHex(session.sessionId),
      result,
      timings: { sessionMs: Math.round(sessionMs), jobMs: Math.round(jobMs) },
      traffic: session.channel.stats.snapshot() as unknown as JsonValue,
    };
  } finally {
    session.channel.close();
  }
}
