/**
 * The minimal byte-stream shape the TCP channel runs on, and adapters that produce it.
 *
 * A `Deno.Conn` (plain TCP or `Deno.connectTls`) already has this shape. A `node:tls` socket
 * (needed on the listening side because `Deno.listenTls` cannot require and verify a client
 * certificate, see `tls.ts`) is event-driven, so {@link nodeSocketStream} turns it into a
 * pull-based stream with bounded buffering: the socket is paused while more than
 * {@link NODE_READ_BUFFER_BYTES} bytes wait to be read, so TCP flow control pushes back on the
 * peer instead of this process growing without bound.
 *
 * @module
 */

import type { Socket } from "node:net";
import { NODE_READ_BUFFER_BYTES as NODE_READ_BUFFER } from "../core/tuning.ts";

/** An ordered, reliable byte stream (a connected socket). */
export interface ByteStream {
  /** Reads up to `into.length` bytes; resolves to the count, or `null` at end of stream. */
  read(into: Uint8Array): Promise<number | null>;
  /** Writes some prefix of `data` (the caller loops); `data` must stay untouched until then. */
  write(data: Uint8Array): Promise<number>;
  /** Closes the stream; pending reads and writes fail. Idempotent. */
  close(): void;
  /** The peer's address, for messages. */
  readonly peer: string;
}

/** Wraps a connected `Deno.Conn` (TCP or TLS); turns on TCP_NODELAY when the conn supports it. */
export function denoConnStream(conn: Deno.Conn): ByteStream {
  // Without TCP_NODELAY every small request/response waits for a delayed ACK (Nagle).
  (conn as Partial<Deno.TcpConn>).setNoDelay?.(true);
  const remote = conn.remoteAddr as Deno.NetAddr;
  let closed = false;
  return {
    peer: `${remote.hostname}:${remote.port}`,
    read: (into) => conn.read(into),
    write: (data) => conn.write(data),
    close() {
      if (closed) return;
      closed = true;
      try {
        conn.close();
      } catch {
        // already closed by the runtime
      }
    },
  };
}

/** Bytes a paused `node:tls` socket may hold unread before it stops reading from the kernel. */
export const NODE_READ_BUFFER_BYTES: number = NODE_READ_BUFFER;

/** Wraps a connected `node:net`/`node:tls` socket as a {@link ByteStream}. */
export function nodeSocketStream(socket: Socket): ByteStream {
  socket.setNoDelay(true);
  const chunks: Uint8Array[] = [];
  let head = 0; // index of the first unread chunk
  let headOffset = 0; // bytes already consumed from chunks[head]
  let buffered = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  socket.on("data", (chunk: Uint8Array) => {
    chunks.push(chunk);
    buffered += chunk.length;
    if (buffered > NODE_READ_BUFFER_BYTES) socket.pause();
    notify();
  });
  socket.on("end", () => {
    ended = true;
    notify();
  });
  socket.on("close", () => {
    ended = true;
    notify();
  });
  socket.on("error", (error: Error) => {
    failure ??= error;
    notify();
  });
  const peer = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;

  return {
    peer,
    async read(into: Uint8Array): Promise<number | null> {
      while (buffered === 0) {
        if (failure) throw failure;
        if (ended) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      let written = 0;
      while (written < into.length && head < chunks.length) {
        const chunk = chunks[head];
        const take = Math.min(chunk.length - headOffset, into.length - written);
        into.set(chunk.subarray(headOffset, headOffset + take), written);
        written += take;
        headOffset += take;
        if (headOffset === chunk.length) {
          chunks[head++] = undefined as unknown as Uint8Array;
          headOffset = 0;
        }
      }
      if (head > 64 && head * 2 > chunks.length) {
        chunks.splice(0, head);
        head = 0;
      }
      buffered -= written;
      if (buffered <= NODE_READ_BUFFER_BYTES / 2 && socket.isPaused()) socket.resume();
      return written;
    },
    write(data: Uint8Array): Promise<number> {
      if (failure) return Promise.reject(failure);
      if (ended || socket.destroyed) return Promise.reject(new Error("connection closed"));
      return new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        socket.once("error", onError);
        // Resolve once the socket accepted the bytes into its kernel-bound queue or drained.
        const flushed = socket.write(data, (error?: Error | null) => {
          socket.off("error", onError);
          if (error) reject(error);
          else resolve(data.length);
        });
        void flushed;
      });
    },
    close() {
      socket.destroy();
    },
  };
}
