/**
 * A minimal length-prefixed {@link Channel} over a `Deno.Conn`, private to the OT benchmark
 * (so the benchmark does not depend on the full TCP transport of party/). Frames are a 4-byte
 * little-endian length and the payload; TCP_NODELAY is on; frames above 64 MiB are refused.
 * A background reader keeps pulling frames (at most 16 MiB queued) so the peer's writes never
 * stall on a full socket buffer while this side computes.
 *
 * @module
 */

import { type Channel, ChannelError, ChannelStats } from "../party/channel.ts";

const MAX_FRAME = 64 << 20;
const MAX_QUEUED_BYTES = 16 << 20;

/** A framed channel over one connected TCP socket (benchmark use only). */
export class BenchTcpChannel implements Channel {
  readonly stats: ChannelStats = new ChannelStats();
  #conn: Deno.TcpConn;
  #writes: Promise<void> = Promise.resolve();
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #failure: ChannelError | null = null;
  #waiter: ((ok: boolean) => void) | null = null;
  #resume: (() => void) | null = null;

  constructor(conn: Deno.TcpConn) {
    conn.setNoDelay(true);
    this.#conn = conn;
    this.#readLoop().catch((error) => {
      this.#failure = error instanceof ChannelError ? error : new ChannelError(String(error));
      this.#wake(false);
    });
  }

  send(frame: Uint8Array): void {
    this.stats.recordSend(frame.length);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, frame.length, true);
    this.#writes = this.#writes.then(async () => {
      await this.#writeAll(header);
      await this.#writeAll(frame);
    });
  }

  flush(): Promise<void> {
    return this.#writes;
  }

  async recv(): Promise<Uint8Array> {
    while (this.#queue.length === 0) {
      if (this.#failure) throw this.#failure;
      await new Promise<boolean>((resolve) => (this.#waiter = resolve));
    }
    const frame = this.#queue.shift()!;
    this.#queuedBytes -= frame.length;
    const resume = this.#resume;
    this.#resume = null;
    resume?.();
    this.stats.recordReceive(frame.length);
    return frame;
  }

  close(): void {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }

  #wake(ok: boolean): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.(ok);
  }

  async #readExactly(into: Uint8Array): Promise<boolean> {
    for (let have = 0; have < into.length;) {
      const n = await this.#conn.read(into.subarray(have));
      if (n === null) {
        if (have === 0) return false;
        throw new ChannelError("peer closed the connection mid-frame");
      }
      have += n;
    }
    return true;
  }

  async #readLoop(): Promise<void> {
    const header = new Uint8Array(4);
    for (;;) {
      if (!(await this.#readExactly(header))) throw new ChannelError("peer closed the connection");
      const length = new DataView(header.buffer).getUint32(0, true);
      if (length > MAX_FRAME) throw new ChannelError(`peer frame of ${length} bytes is too large`);
      const frame = new Uint8Array(length);
      if (length > 0 && !(await this.#readExactly(frame))) {
        throw new ChannelError("peer closed the connection mid-frame");
      }
      this.#queue.push(frame);
      this.#queuedBytes += length;
      this.#wake(true);
      while (this.#queuedBytes > MAX_QUEUED_BYTES) {
        await new Promise<void>((resolve) => (this.#resume = resolve));
      }
    }
  }

  async #writeAll(data: Uint8Array): Promise<void> {
    for (let off = 0; off < data.length;) off += await this.#conn.write(data.subarray(off));
  }
}
