/**
 * A ready two-party session: connection (TCP or mutual TLS), handshake (`handshake.ts`) and
 * coin toss (`coin_toss.ts`), plus this party's private seed.
 *
 * {@link establishSession} does the handshake and coin toss over any {@link Channel} (the
 * in-memory pair too); {@link connectSession} first opens the TCP/TLS connection.
 *
 * Seeds: by default the private seed and all fresh session randomness come from
 * `crypto.getRandomValues` (`randomSeed`, `randomBytes`) and nothing else. The `testSeed`
 * option derives them from a fixed value instead, for reproducible tests and harness runs
 * only: it makes every "random" value of this party predictable to whoever knows the option,
 * so it is INSECURE. It is hashed with a fixed label and the role (so the two parties' streams
 * differ and are unrelated to any public job parameter such as the k-means init seed), it is
 * never put into the handshake, and {@link connectSession} refuses it unless both the
 * configured address and the peer's address are loopback ({@link checkTestSeedLoopback}); the
 * CLI also requires the environment variable {@link TEST_SEED_ENV} to be "1"
 * ({@link checkTestSeedAllowed}).
 *
 * Pre-handshake limits: until the handshake and coin toss are done, the peer is
 * unauthenticated (without TLS) and may be anyone, so the channel accepts frames of at most
 * {@link MAX_HELLO_BYTES} and reads only on demand (no read-ahead buffer); the configured
 * limits apply from then on.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { type Channel, ChannelError } from "./channel.ts";
import { coinToss, JointSeedMismatchError } from "./coin_toss.ts";
import { concat } from "../core/bytes.ts";
import { CONNECT_TIMEOUT_MS, HANDSHAKE_IDLE_MS, IDLE_TIMEOUT_MS } from "../core/tuning.ts";
import type { JsonValue } from "../core/json.ts";
import { handshake, MAX_HELLO_BYTES } from "./handshake.ts";
import { connectToPeer, type HostPort, isLoopback, listenForPeer } from "./net.ts";
import { Prg, randomBytes, randomSeed, SEED_BYTES } from "../core/prg.ts";
import {
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_RECEIVE_BUFFER_BYTES,
  TcpChannel,
  type TcpChannelOptions,
} from "./tcp_channel.ts";
import type { TlsFiles } from "./tls.ts";
import { InputError } from "../core/errors.ts";

/** Environment variable that must be "1" for an insecure test seed to be accepted. */
export const TEST_SEED_ENV = "PPKM_ALLOW_TEST_SEED";

/**
 * Throws a {@link InputError} (exit 2) unless an insecure test seed may be used: the
 * environment variable {@link TEST_SEED_ENV} is "1" and `hostname` (the address listened on or
 * connected to, or the peer's address) is loopback, so both parties run on one machine.
 */
export function checkTestSeedAllowed(hostname: string, envValue: string | undefined): void {
  if (envValue !== "1") {
    throw new InputError(
      `--insecure-test-seed makes this party's randomness predictable and is refused unless ` +
        `${TEST_SEED_ENV}=1 is set (tests and local harness runs only)`,
    );
  }
  checkTestSeedLoopback(hostname);
}

/**
 * Throws a {@link InputError} (exit 2) unless `hostname` is loopback: an insecure test seed is
 * only ever used between two processes on this machine. {@link connectSession} applies it to
 * the configured address and to the peer's; the CLI adds the environment check of
 * {@link checkTestSeedAllowed}.
 */
export function checkTestSeedLoopback(hostname: string): void {
  if (!isLoopback(hostname)) {
    throw new InputError(
      `--insecure-test-seed is refused on the non-loopback address ${hostname}: both parties ` +
        `must run on this machine (127.0.0.1 / ::1)`,
    );
  }
}

/** The host part of a "HOST:PORT" peer string (IPv6 hosts contain colons). */
function peerHost(peer: string): string {
  const at = peer.lastIndexOf(":");
  const host = at < 0 ? peer : peer.slice(0, at);
  return host.replace(/^\[|\]$/g, "").replace(/^::ffff:(?=127\.)/, "");
}

/** Time limits of a session (milliseconds). */
export interface SessionTimeouts {
  /** How long to wait for the peer to connect / to accept our connection; default 60 s. */
  connectMs?: number;
  /** Silence tolerated during handshake and coin toss; default 15 s. */
  handshakeMs?: number;
  /** Silence tolerated afterwards (idle-read and stalled-write timeout); default 120 s. */
  idleMs?: number;
}

/** Everything {@link establishSession} needs besides the channel. */
export interface SessionParams {
  /** This party's role. */
  role: 0 | 1;
  /** Public job parameters both sides must agree on. */
  params: Record<string, JsonValue>;
  /** This party's public facts for the peer (e.g. its row count). */
  facts?: Record<string, JsonValue>;
  /** INSECURE fixed seed for reproducible tests/harness runs ONLY (see the module doc). */
  testSeed?: Uint8Array;
}

/** Options of {@link connectSession}: give exactly one of `listen` and `connect`. */
export interface ConnectSessionOptions extends SessionParams {
  /** Accept the peer's connection on this address. */
  listen?: HostPort;
  /** Connect to the peer at this address. */
  connect?: HostPort;
  /** Mutual TLS material; omitted = plain TCP. */
  tls?: TlsFiles;
  /** Time limits. */
  timeouts?: SessionTimeouts;
  /** Frame-size and buffering limits of the channel. */
  channel?: Omit<TcpChannelOptions, "idleTimeoutMs">;
  /** Progress and warning lines (never secrets). */
  log?: (line: string) => void;
}

/** An established session. */
export interface Session<C extends Channel = Channel> {
  /** The channel to the peer. */
  channel: C;
  /** This party's role. */
  role: 0 | 1;
  /** The common 16-byte session id. */
  sessionId: Uint8Array;
  /** The common 16-byte seed from the coin toss. */
  jointSeed: Uint8Array;
  /** This party's private 16-byte seed. */
  privateSeed: Uint8Array;
  /** The peer's public facts from the handshake. */
  peerFacts: Record<string, JsonValue>;
}

/** Default timeouts. */
export const DEFAULT_TIMEOUTS: Required<SessionTimeouts> = {
  connectMs: CONNECT_TIMEOUT_MS,
  handshakeMs: HANDSHAKE_IDLE_MS,
  idleMs: IDLE_TIMEOUT_MS,
};

/** Handshake + coin toss over an already connected channel. */
export async function establishSession<C extends Channel>(
  channel: C,
  options: SessionParams,
): Promise<Session<C>> {
  let random: (length: number) => Uint8Array = randomBytes;
  let privateSeed: Uint8Array;
  if (options.testSeed) {
    // Domain-separated per purpose and per role; the label is fixed, so the derived seeds
    // depend on the test seed alone, never on a public job parameter.
    const testSeed = options.testSeed;
    const derive = (label: string) =>
      sha256(
        concat(new TextEncoder().encode(label), Uint8Array.of(options.role), testSeed),
      ).subarray(0, SEED_BYTES);
    privateSeed = derive("pp-kmeans INSECURE test seed v2: private seed");
    const sessionPrg = new Prg(derive("pp-kmeans INSECURE test seed v2: session randomness"));
    random = (length) => sessionPrg.bytes(length);
  } else {
    privateSeed = randomSeed();
  }
  const { sessionId, peerFacts } = await handshake(channel, {
    role: options.role,
    params: options.params,
    facts: options.facts,
    nonce: random(16),
  });
  const jointSeed = await coinToss(channel, options.role, sessionId, random);
  return { channel, role: options.role, sessionId, jointSeed, privateSeed, peerFacts };
}

/** Connects (listen or connect), then runs {@link establishSession} with a short idle timeout. */
export async function connectSession(
  options: ConnectSessionOptions,
): Promise<Session<TcpChannel>> {
  const timeouts = { ...DEFAULT_TIMEOUTS };
  for (const [key, value] of Object.entries(options.timeouts ?? {})) {
    if (value !== undefined) timeouts[key as keyof SessionTimeouts] = value;
  }
  if (!!options.listen === !!options.connect) {
    throw new RangeError("give exactly one of listen and connect");
  }
  if (options.testSeed) checkTestSeedLoopback((options.listen ?? options.connect)!.hostname);
  const stream = options.listen
    ? await listenForPeer({
      ...options.listen,
      tls: options.tls,
      acceptTimeoutMs: timeouts.connectMs,
      log: options.log,
    })
    : await connectToPeer({
      ...options.connect!,
      tls: options.tls,
      deadlineMs: timeouts.connectMs,
      log: options.log,
    });
  // Handshake limits first (see the module doc); the configured ones once the peer is known.
  const channel = new TcpChannel(stream, {
    maxFrameBytes: MAX_HELLO_BYTES,
    receiveBufferBytes: 0,
    idleTimeoutMs: timeouts.handshakeMs,
  });
  try {
    if (options.testSeed) checkTestSeedLoopback(peerHost(channel.peer));
    const session = await establishSession(channel, options);
    channel.setLimits({
      maxFrameBytes: options.channel?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      receiveBufferBytes: options.channel?.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER_BYTES,
    });
    channel.idleTimeoutMs = timeouts.idleMs;
    return session;
  } catch (error) {
    channel.close();
    if (
      error instanceof ChannelError && !(error instanceof JointSeedMismatchError) && options.tls
    ) {
      throw new ChannelError(
        `${error.message} during the handshake (with TLS this usually means the peer refused ` +
          `our certificate)`,
      );
    }
    throw error;
  }
}
