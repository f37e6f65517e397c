/**
 * The two-party runtime: channels (in-memory and TCP/TLS), handshake, coin toss, sessions,
 * seeds and PRG, the job interface and the two-process launcher.
 *
 * @module
 */

export {
  type Channel,
  ChannelError,
  ChannelStats,
  emptyPhaseStats,
  inPhase,
  type PhaseStats,
  recvBytes,
  recvU32,
  recvU64,
  sendTyped,
} from "./channel.ts";
export { memoryChannelPair } from "./memory_channel.ts";
export { Prg, randomBytes, randomSeed, SEED_BYTES } from "../core/prg.ts";
export { type ByteStream, denoConnStream, nodeSocketStream } from "./byte_stream.ts";
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_RECEIVE_BUFFER_BYTES,
  STREAM_PREAMBLE,
  TcpChannel,
  type TcpChannelOptions,
} from "./tcp_channel.ts";
export {
  type ConnectOptions,
  connectToPeer,
  type HostPort,
  isLoopback,
  listenForPeer,
  type ListenOptions,
  parseHostPort,
} from "./net.ts";
export { connectTlsStream, listenTlsStream, readTlsFiles, type TlsFiles } from "./tls.ts";
export {
  canonicalJson,
  compareParams,
  handshake,
  HandshakeError,
  type HandshakeOptions,
  type HandshakeResult,
  HELLO_MAGIC,
  type JsonValue,
  PROTOCOL_VERSION,
  SESSION_ID_BYTES,
} from "./handshake.ts";
// HandshakeError extends it, so the party API exposes it (exit code 2 for usage errors).
export { UserError } from "../core/errors.ts";
export { coinToss, confirmJointSeed, JointSeedMismatchError } from "./coin_toss.ts";
export {
  connectSession,
  type ConnectSessionOptions,
  DEFAULT_TIMEOUTS,
  establishSession,
  type Session,
  type SessionParams,
  type SessionTimeouts,
} from "./session.ts";
export type { JobContext, JobOption, JobPrepareInput, PartyJob, PreparedJob } from "../jobs/job.ts";
export { JOBS } from "../jobs/registry.ts";
export { secureSumJob } from "../jobs/secure_sum.ts";
export { netBenchJob } from "../jobs/net_bench.ts";
export { type PartyReport, type PartyRunOptions, runParty } from "../jobs/runner.ts";
export {
  freePort,
  INTERRUPT_EXIT_CODES,
  type LaunchOptions,
  launchParties,
  type LaunchResult,
  PARTY_NAMES,
} from "../cli/launcher.ts";
