/**
 * The send side of the TCP channel (`tcp_channel.ts`): an ordered queue of byte chunks written
 * to a {@link ByteStream} by one background loop, so `send` never blocks and `flush` waits for
 * the operating system to take every queued byte.
 *
 * Small chunks (frame headers, small frames) are coalesced into one write of up to 256 KiB;
 * big frames are written from the caller's buffer without copying, in 8 MiB slices so that
 * write progress (for the channel's stalled-write timeout) is visible on slow links too.
 * Backpressure: each write awaits the stream, so a peer that stops reading stops the loop and
 * TCP flow control bounds what is in flight.
 *
 * Security: only moves bytes the channel was given; never inspects or logs them.
 *
 * @module
 */

import { ChannelError } from "./channel.ts";
import { SMALL_FRAME_BYTES, WRITE_BATCH_BYTES, WRITE_SLICE_BYTES } from "../core/tuning.ts";
import type { ByteStream } from "./byte_stream.ts";

// Frames up to SMALL_FRAME_BYTES are copied into a coalesced write of up to BATCH_BYTES;
// bigger ones are written in place, in slices of WRITE_SLICE_BYTES (core/tuning.ts).
const BATCH_BYTES = WRITE_BATCH_BYTES;

type Waiter = { resolve: () => void; reject: (error: Error) => void };

/** Background writer of queued chunks; see the module doc. */
export class FrameWriter {
  readonly #stream: ByteStream;
  readonly #peer: string;
  readonly #onFailure: (error: ChannelError) => void;
  #outbox: Uint8Array[] = [];
  #outboxHead = 0;
  #writing = false;
  /** True from an `enqueue` until the write loop has handed every queued byte to the OS. */
  #unwritten = false;
  #lastWriteAt = Date.now();
  #flushWaiters: Waiter[] = [];
  #failure: ChannelError | null = null;

  /**
   * A writer on `stream` (whose peer is `peer`, for messages); a failed write is reported
   * once to `onFailure`, which is expected to call {@link FrameWriter.fail}.
   */
  constructor(stream: ByteStream, peer: string, onFailure: (error: ChannelError) => void) {
    this.#stream = stream;
    this.#peer = peer;
    this.#onFailure = onFailure;
  }

  /** True while the write loop runs (bytes are queued or being written). */
  get writing(): boolean {
    return this.#writing;
  }

  /** When the last write made progress (`Date.now()` milliseconds). */
  get lastWriteAt(): number {
    return this.#lastWriteAt;
  }

  /** Queues `chunk`; the writer owns it from now on. */
  enqueue(chunk: Uint8Array): void {
    this.#outbox.push(chunk);
    this.#unwritten = true;
    if (!this.#writing) {
      this.#writing = true;
      // Start on a microtask so that chunks queued in the same synchronous burst coalesce.
      queueMicrotask(() => this.#writeLoop());
    }
  }

  /** Resolves when every queued chunk has been handed to the operating system. */
  flush(): Promise<void> {
    // Everything already written: true even if the peer has since closed the connection
    // (it closes right after its last read, which races with our final flush).
    if (!this.#unwritten) return Promise.resolve();
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#flushWaiters.push({ resolve, reject }));
  }

  /** Stops writing and rejects every pending and later `flush` with `error`. */
  fail(error: ChannelError): void {
    if (this.#failure) return;
    this.#failure = error;
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  async #writeLoop(): Promise<void> {
    try {
      while (this.#outboxHead < this.#outbox.length && !this.#failure) {
        await this.#writeAll(this.#nextBatch());
      }
      if (this.#outboxHead === this.#outbox.length) {
        this.#outbox = [];
        this.#outboxHead = 0;
        if (!this.#failure) this.#unwritten = false;
      }
      this.#writing = false;
      if (this.#failure) return;
      const waiters = this.#flushWaiters;
      this.#flushWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      this.#writing = false;
      const gone = error instanceof Deno.errors.BrokenPipe ||
        error instanceof Deno.errors.ConnectionReset;
      this.#onFailure(
        this.#failure ??
          new ChannelError(
            gone
              ? `peer ${this.#peer} closed the connection (${oneLineMessage(error)})`
              : `sending to peer ${this.#peer} failed: ${oneLineMessage(error)}`,
          ),
      );
    }
  }

  /** The next bytes to write: a big chunk as is, or several small chunks copied together. */
  #nextBatch(): Uint8Array {
    const outbox = this.#outbox;
    const first = outbox[this.#outboxHead];
    if (first.length > SMALL_FRAME_BYTES) {
      outbox[this.#outboxHead++] = undefined as unknown as Uint8Array;
      return first;
    }
    let end = this.#outboxHead;
    let total = 0;
    while (
      end < outbox.length && outbox[end].length <= SMALL_FRAME_BYTES &&
      total + outbox[end].length <= BATCH_BYTES
    ) {
      total += outbox[end++].length;
    }
    if (end === this.#outboxHead + 1) {
      outbox[this.#outboxHead++] = undefined as unknown as Uint8Array;
      return first;
    }
    const batch = new Uint8Array(total);
    let offset = 0;
    for (let i = this.#outboxHead; i < end; i++) {
      batch.set(outbox[i], offset);
      offset += outbox[i].length;
      outbox[i] = undefined as unknown as Uint8Array;
    }
    this.#outboxHead = end;
    return batch;
  }

  async #writeAll(data: Uint8Array): Promise<void> {
    let offset = 0;
    this.#lastWriteAt = Date.now();
    while (offset < data.length) {
      const end = Math.min(data.length, offset + WRITE_SLICE_BYTES);
      offset += await this.#stream.write(data.subarray(offset, end));
      this.#lastWriteAt = Date.now();
    }
  }
}

/** An error's message on one line (for the channel's one-line errors). */
export function oneLineMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}
