/**
 * Runs one party of a job: prepare the job, connect, handshake, coin toss, run, agree, report.
 * `cli/party.ts` parses the command line into {@link PartyRunOptions} and calls
 * {@link runParty}; tests can call it directly.
 *
 * Closing agreement: after the job's run, each party sends one byte and waits for the peer's
 * ({@link closingAgreement}, traffic phase "close"). A party therefore reports success only
 * once the peer has finished its own run too, and neither closes the connection while the
 * other still flushes or post-processes.
 *
 * The report contains the job's result, the session id, timings and the channel's traffic
 * accounting by phase: all public. Failures propagate as errors (a `InputError` for mismatches
 * and bad input, a `ChannelError` for peer/transport problems) after the channel is closed,
 * so the peer notices at once.
 *
 * @module
 */

import { toHex } from "../core/bytes.ts";
import type { JsonValue } from "../core/json.ts";
import type { Role } from "../core/role.ts";
import { type Channel, ChannelError, type ChannelStats, inPhase } from "../party/channel.ts";
import type { PartyJob } from "./job.ts";
import type { HostPort } from "../party/net.ts";
import { connectSession, type SessionTimeouts } from "../party/session.ts";
import type { TlsFiles } from "../party/tls.ts";

/** Everything one party run needs. */
export interface PartyRunOptions {
  /** The job to run. */
  job: PartyJob;
  /** Values of the job's options. */
  jobValues: Record<string, string | boolean | undefined>;
  /** This party's role. */
  role: Role;
  /** Address to listen on (exactly one of listen/connect). */
  listen?: HostPort;
  /** Address to connect to. */
  connect?: HostPort;
  /** This party's data file. */
  dataPath?: string;
  /** Mutual TLS material. */
  tls?: TlsFiles;
  /** INSECURE fixed seed for reproducible tests/harness runs only (see party/session.ts). */
  testSeed?: Uint8Array;
  /** Time limits. */
  timeouts?: SessionTimeouts;
  /** Largest frame accepted or sent (bytes). */
  maxFrameBytes?: number;
  /** Progress lines. */
  log: (line: string) => void;
}

/** Channel accounting of a run: totals and per traffic phase. */
export type TrafficReport = ReturnType<ChannelStats["snapshot"]>;

/** What one party reports after a successful run. */
export interface PartyReport {
  /** Job name. */
  job: string;
  /** This party's role. */
  role: Role;
  /** Session id, hex. */
  sessionId: string;
  /** The job's result. */
  result: JsonValue;
  /** Wall-clock milliseconds: connecting + handshake, and the job itself. */
  timings: { sessionMs: number; jobMs: number };
  /** Channel accounting (bytes, messages, rounds), total and by phase. */
  traffic: TrafficReport;
}

/** Runs one party end to end; see the module doc. */
export async function runParty(options: PartyRunOptions): Promise<PartyReport> {
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
    await closingAgreement(session.channel);
    return {
      job: job.name,
      role: options.role,
      sessionId: toHex(session.sessionId),
      result,
      timings: { sessionMs: Math.round(sessionMs), jobMs: Math.round(jobMs) },
      traffic: session.channel.stats.snapshot(),
    };
  } finally {
    session.channel.close();
  }
}

/** The byte both parties send once their run succeeded. */
const AGREEMENT_BYTE = 0x6b;

/**
 * Both parties send {@link AGREEMENT_BYTE} and wait for the peer's, as the very last step of
 * every job: the final flush happens while the peer's connection is still open, and a party
 * whose peer failed after the last protocol message learns it here instead of exiting 0.
 */
export async function closingAgreement(channel: Channel): Promise<void> {
  await inPhase(channel, "close", async () => {
    channel.send(Uint8Array.of(AGREEMENT_BYTE));
    await channel.flush();
    const frame = await channel.recv();
    if (frame.length !== 1 || frame[0] !== AGREEMENT_BYTE) {
      throw new ChannelError("peer sent an unexpected final message");
    }
  });
}
