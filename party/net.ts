/**
 * Establishing the one connection between the two parties: the listening party accepts exactly
 * one peer, the connecting party retries with exponential backoff until a deadline (so the
 * two processes may start in any order). Plain TCP uses `Deno.listen` / `Deno.connect`; TLS
 * with mutual authentication is delegated to `tls.ts`.
 *
 * Security: without TLS the link is neither confidential nor authenticated, which is only
 * acceptable on loopback or a trusted network; listening on any other address without TLS
 * prints a warning on stderr (the developers' guide asks for it).
 *
 * @module
 */

import { ChannelError } from "./channel.ts";
import { type ByteStream, denoConnStream } from "./byte_stream.ts";
import { connectTlsStream, listenTlsStream, type TlsFiles } from "./tls.ts";

/** A host and TCP port. */
export interface HostPort {
  /** Host name or IP address (IPv6 without brackets). */
  hostname: string;
  /** TCP port, 0–65535 (0 = any free port, listening only). */
  port: number;
}

/** Parses `HOST:PORT` or `[IPv6]:PORT`; throws a one-line RangeError on bad input. */
export function parseHostPort(text: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new RangeError(`bad address ${JSON.stringify(text)}: expected HOST:PORT`);
  }
  return { hostname: match[1] ?? match[2], port };
}

/** True for 127.0.0.0/8, ::1 and "localhost". */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Options for {@link listenForPeer}. */
export interface ListenOptions extends HostPort {
  /** TLS material; omitted = plain TCP. */
  tls?: TlsFiles;
  /** Give up if no peer connects within this time (ms). */
  acceptTimeoutMs: number;
  /** Called once the socket is bound (with the actual port). */
  log?: (line: string) => void;
  /** Where the no-TLS warning goes; default `console.error` (stderr, not the result stream). */
  warn?: (line: string) => void;
}

/** Accepts exactly one peer connection on `hostname:port`, then stops listening. */
export async function listenForPeer(options: ListenOptions): Promise<ByteStream> {
  const log = options.log ?? (() => {});
  const warn = options.warn ?? ((line: string) => console.error(line));
  if (!options.tls && !isLoopback(options.hostname)) {
    warn(
      `warning: listening on ${options.hostname} without TLS: traffic is neither encrypted nor ` +
        `authenticated (use --tls-cert/--tls-key/--tls-ca)`,
    );
  }
  if (options.tls) return await listenTlsStream(options, options.tls, log);
  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({ hostname: options.hostname, port: options.port });
  } catch (error) {
    throw new ChannelError(
      `cannot listen on ${options.hostname}:${options.port}: ${errorMessage(error)}`,
    );
  }
  log(`listening on ${options.hostname}:${(listener.addr as Deno.NetAddr).port}`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ChannelError(`no peer connected within ${options.acceptTimeoutMs / 1000} s`),
          ),
        options.acceptTimeoutMs,
      );
    });
    const conn = await Promise.race([listener.accept(), timeout]);
    return denoConnStream(conn);
  } finally {
    clearTimeout(timer);
    listener.close();
  }
}

/** Options for {@link connectToPeer}. */
export interface ConnectOptions extends HostPort {
  /** TLS material; omitted = plain TCP. */
  tls?: TlsFiles;
  /** Keep retrying refused connections until this much time has passed (ms). */
  deadlineMs: number;
  /** For progress messages. */
  log?: (line: string) => void;
}

const FIRST_RETRY_MS = 25;
const MAX_RETRY_MS = 1000;

/** Connects to the listening peer, retrying with exponential backoff until the deadline. */
export async function connectToPeer(options: ConnectOptions): Promise<ByteStream> {
  const deadline = Date.now() + options.deadlineMs;
  let delay = FIRST_RETRY_MS;
  for (;;) {
    try {
      if (options.tls) return await connectTlsStream(options, options.tls);
      const conn = await Deno.connect({ hostname: options.hostname, port: options.port });
      return denoConnStream(conn);
    } catch (error) {
      if (error instanceof ChannelError || !retryable(error)) {
        throw error instanceof ChannelError ? error : new ChannelError(
          `cannot connect to ${options.hostname}:${options.port}: ${errorMessage(error)}`,
        );
      }
      if (Date.now() + delay > deadline) {
        throw new ChannelError(
          `cannot connect to ${options.hostname}:${options.port} within ` +
            `${options.deadlineMs / 1000} s: ${errorMessage(error)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(MAX_RETRY_MS, delay * 2);
    }
  }
}

/** Connection failures worth retrying: the peer is not (yet) listening or briefly unreachable. */
function retryable(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionRefused ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.TimedOut ||
    error instanceof Deno.errors.NetworkUnreachable;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}
