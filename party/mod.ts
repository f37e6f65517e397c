/**
 * The two-party transport and session: channels (in-memory and TCP/TLS), framing, handshake,
 * coin toss and the session that ties them together.
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
  PROTOCOL_VERSION,
  SESSION_ID_BYTES,
} from "./handshake.ts";
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
