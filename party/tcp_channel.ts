/**
 * {@link Channel} over a TCP (or TLS) byte stream: length-prefixed frames with a background
 * reader and an ordered, backpressured writer.
 *
 * Wire format: each side first writes the 8-byte {@link STREAM_PREAMBLE}, so bytes that are not
 * our protocol (an HTTP client, a port scanner, a wrong service) fail at once with a clear
 * message instead of being parsed as a frame length. Then every frame is a 4-byte little-endian
 * payload length followed by the payload.
 *
 * Robustness (developers' guide: never hang, never allocate what the peer dictates):
 * - a frame length above `maxFrameBytes` is rejected before anything is allocated;
 * - the background reader stops pulling from the socket while more than `receiveBufferBytes`
 *   of complete frames wait for `recv`, so TCP flow control bounds memory; it always finishes
 *   the frame it started, so two sides streaming big frames at each other cannot deadlock;
 *   with `receiveBufferBytes` 0 it reads a frame only while a `recv` waits for one (used
 *   before the handshake, with a small `maxFrameBytes`, until `setLimits` raises both);
 * - `send` queues, the writer (`frame_writer.ts`) writes frames in order (small frames
 *   coalesced into one write, big frames written from the caller's buffer without copying),
 *   `flush` waits for it;
 * - a `recv` that sees no byte for `idleTimeoutMs`, or a write that makes no progress for as
 *   long (peer stopped reading), fails the channel;
 * - end of stream, a reset, a truncated or oversized frame or a bad preamble fail the channel
 *   with a one-line {@link ChannelError} on every pending and later `recv`/`flush`.
 * Frames that fully arrived before the peer closed are still delivered.
 *
 * Security: the channel only moves bytes; confidentiality against the network comes from TLS
 * (`tls.ts`) or from running on a trusted link. Nothing here logs payloads.
 *
 * @module
 */

import { type Channel, ChannelError, ChannelStats } from "./channel.ts";
import type { ByteStream } from "./byte_stream.ts";
import { IDLE_TIMEOUT_MS, MAX_FRAME_BYTES, RECEIVE_BUFFER_BYTES } from "../core/tuning.ts";
import { FrameWriter, oneLineMessage as describe } from "./frame_writer.ts";

/** First bytes each side writes on a fresh connection: "PPKM", a zero, "TCP", version 1. */
export const STREAM_PREAMBLE: Uint8Array = new Uint8Array([
  0x50,
  0x50,
  0x4b,
  0x4d,
  0x00,
  0x54,
  0x43,
  0x01,
]);

/** Default largest frame accepted or sent (core/tuning.ts). */
export const DEFAULT_MAX_FRAME_BYTES: number = MAX_FRAME_BYTES;
/** Default bytes of received, unconsumed frames before the reader pauses (core/tuning.ts). */
export const DEFAULT_RECEIVE_BUFFER_BYTES: number = RECEIVE_BUFFER_BYTES;
/** Default silence tolerated while waiting on the peer (core/tuning.ts). */
export const DEFAULT_IDLE_TIMEOUT_MS: number = IDLE_TIMEOUT_MS;

/** Tunables of a {@link TcpChannel}. */
export interface TcpChannelOptions {
  /** Largest frame payload accepted or sent (bytes, ≤ 2^32 − 1); default 256 MiB. */
  maxFrameBytes?: number;
  /**
   * Received-but-unconsumed bytes after which the reader pauses; default 256 MiB. 0 = read a
   * frame only while a `recv` is waiting for it (no read-ahead).
   */
  receiveBufferBytes?: number;
  /** Silence (no byte in, or no write progress) after which the channel fails; default 120 s. */
  idleTimeoutMs?: number;
}

const SCRATCH_BYTES = 1 << 20;

type Waiter<T> = { resolve: (value: T) => void; reject: (error: Error) => void };

/** A framed {@link Channel} over a connected {@link ByteStream}; see the module doc. */
export class TcpChannel implements Channel {
  /** Traffic counters of this end. */
  readonly stats: ChannelStats = new ChannelStats();
  /** The peer's address, for messages. */
  readonly peer: string;
  readonly #stream: ByteStream;
  #maxFrameBytes: number;
  #receiveBufferBytes: number;
  #idleTimeoutMs: number;

  // receive side
  #inbox: Uint8Array[] = [];
  #inboxHead = 0;
  #inboxBytes = 0;
  #recvWaiter: Waiter<Uint8Array> | null = null;
  #resumeReader: (() => void) | null = null;
  #scratch = new Uint8Array(SCRATCH_BYTES);
  #scratchView = new DataView(this.#scratch.buffer);
  #head = 0;
  #tail = 0;
  #midFrame = false;
  #preambleSeen = false;
  #lastByteAt = Date.now();
  #waitingSince = 0;

  readonly #writer: FrameWriter;

  #failure: ChannelError | null = null;
  #closedLocally = false;
  #timer: ReturnType<typeof setInterval>;

  /** Starts the reader and writes the preamble; the stream must be freshly connected. */
  constructor(stream: ByteStream, options: TcpChannelOptions = {}) {
    this.#stream = stream;
    this.peer = stream.peer;
    this.#writer = new FrameWriter(stream, stream.peer, (error) => this.#fail(error));
    this.#maxFrameBytes = checkedFrameLimit(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.#receiveBufferBytes = checkedBufferLimit(
      options.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER_BYTES,
    );
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const tick = Math.max(20, Math.min(1000, this.#idleTimeoutMs / 4));
    this.#timer = setInterval(() => this.#checkIdle(), tick);
    this.#timer.unref(); // pending socket ops keep the process alive, not this timer
    this.#writer.enqueue(STREAM_PREAMBLE.slice());
    this.#readLoop();
  }

  /** The current idle timeout in milliseconds. */
  get idleTimeoutMs(): number {
    return this.#idleTimeoutMs;
  }

  /** Changes the idle timeout (e.g. a short one during the handshake). */
  set idleTimeoutMs(ms: number) {
    this.#idleTimeoutMs = ms;
  }

  /**
   * Changes the frame-size limit and the receive buffer, e.g. from the small pre-handshake
   * limits to the configured ones once the peer is known (frames already being read keep the
   * limit they were checked against).
   */
  setLimits(limits: { maxFrameBytes?: number; receiveBufferBytes?: number }): void {
    if (limits.maxFrameBytes !== undefined) {
      this.#maxFrameBytes = checkedFrameLimit(limits.maxFrameBytes);
    }
    if (limits.receiveBufferBytes !== undefined) {
      this.#receiveBufferBytes = checkedBufferLimit(limits.receiveBufferBytes);
    }
    this.#wakeReader();
  }

  /** Queues one frame; the channel owns `frame` from now on. */
  send(frame: Uint8Array): void {
    if (this.#failure) throw this.#failure;
    if (frame.length > this.#maxFrameBytes) {
      throw new ChannelError(
        `refusing to send a frame of ${frame.length} bytes (limit ${this.#maxFrameBytes})`,
      );
    }
    this.stats.recordSend(frame.length);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, frame.length, true);
    this.#writer.enqueue(header);
    if (frame.length > 0) this.#writer.enqueue(frame);
  }

  /** Resolves when every queued frame has been handed to the operating system. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** The next frame from the peer. */
  recv(): Promise<Uint8Array> {
    if (this.#inboxHead < this.#inbox.length && !this.#closedLocally) {
      return Promise.resolve(this.#takeFrame());
    }
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#recvWaiter) return Promise.reject(new ChannelError("concurrent recv on one channel"));
    this.#waitingSince = Date.now();
    const frame = new Promise<Uint8Array>((resolve, reject) => {
      this.#recvWaiter = { resolve, reject };
    });
    this.#wakeReader(); // an on-demand reader (receive buffer 0) reads now
    return frame;
  }

  /** Closes the connection at once; queued but unwritten frames are dropped. */
  close(): void {
    if (this.#failure) {
      this.#closedLocally = true;
      return;
    }
    this.#closedLocally = true;
    this.#fail(new ChannelError("channel closed"));
  }

  /** Flushes, then closes: the peer receives everything sent before. */
  async closeGracefully(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.close();
    }
  }

  // ---- receive side ----

  #takeFrame(): Uint8Array {
    const frame = this.#inbox[this.#inboxHead];
    this.#inbox[this.#inboxHead++] = undefined as unknown as Uint8Array;
    if (this.#inboxHead > 1024 && this.#inboxHead * 2 > this.#inbox.length) {
      this.#inbox = this.#inbox.slice(this.#inboxHead);
      this.#inboxHead = 0;
    }
    this.#inboxBytes -= frame.length;
    this.#wakeReader();
    this.stats.recordReceive(frame.length);
    return frame;
  }

  /** True when the reader may read another frame: buffer space, or a `recv` waiting. */
  #mayRead(): boolean {
    return this.#inboxBytes < this.#receiveBufferBytes ||
      (this.#recvWaiter !== null && this.#inboxHead === this.#inbox.length);
  }

  #wakeReader(): void {
    if (this.#resumeReader && this.#mayRead()) {
      const resume = this.#resumeReader;
      this.#resumeReader = null;
      resume();
    }
  }

  #deliver(frame: Uint8Array): void {
    const waiter = this.#recvWaiter;
    if (waiter) {
      this.#recvWaiter = null;
      this.stats.recordReceive(frame.length);
      waiter.resolve(frame);
    } else {
      this.#inbox.push(frame);
      this.#inboxBytes += frame.length;
    }
  }

  /** Reads more bytes into the scratch buffer; throws at end of stream. */
  async #fill(): Promise<void> {
    if (this.#head === this.#tail) {
      this.#head = this.#tail = 0;
    } else if (this.#tail === this.#scratch.length) {
      this.#scratch.copyWithin(0, this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    const n = await this.#readSome(this.#scratch.subarray(this.#tail));
    this.#tail += n;
  }

  async #readSome(into: Uint8Array): Promise<number> {
    let n: number | null;
    try {
      n = await this.#stream.read(into);
    } catch (error) {
      if (this.#failure) throw this.#failure;
      const reason = describe(error);
      throw new ChannelError(
        /close_notify/.test(reason)
          ? `peer ${this.peer} closed the TLS connection abruptly`
          : `connection to peer ${this.peer} failed: ${reason}`,
      );
    }
    if (n === null) {
      throw this.#failure ??
        new ChannelError(
          !this.#preambleSeen
            ? `peer ${this.peer} closed the connection before speaking (TLS on one side only?)`
            : this.#midFrame
            ? `peer ${this.peer} closed the connection in the middle of a frame (truncated frame)`
            : `peer ${this.peer} closed the connection`,
        );
    }
    this.#lastByteAt = Date.now();
    return n;
  }

  async #readLoop(): Promise<void> {
    try {
      this.#midFrame = true;
      while (this.#tail - this.#head < STREAM_PREAMBLE.length) await this.#fill();
      const preamble = this.#scratch.subarray(this.#head, this.#head + STREAM_PREAMBLE.length);
      if (!preamble.every((byte, i) => byte === STREAM_PREAMBLE[i])) {
        throw new ChannelError(
          `peer ${this.peer} does not speak this protocol (first bytes ${printable(preamble)})`,
        );
      }
      this.#head += STREAM_PREAMBLE.length;
      this.#preambleSeen = true;
      for (;;) {
        this.#midFrame = false;
        while (!this.#mayRead()) {
          await new Promise<void>((resolve) => (this.#resumeReader = resolve));
          if (this.#failure) return;
        }
        if (this.#tail - this.#head < 4) {
          if (this.#tail > this.#head) this.#midFrame = true;
          while (this.#tail - this.#head < 4) {
            await this.#fill();
            this.#midFrame = true;
          }
        }
        this.#midFrame = true;
        const length = this.#scratchView.getUint32(this.#head, true);
        this.#head += 4;
        if (length > this.#maxFrameBytes) {
          throw new ChannelError(
            `peer ${this.peer} sent a frame of ${length} bytes, over the limit of ${this.#maxFrameBytes}`,
          );
        }
        this.#deliver(await this.#readPayload(length));
      }
    } catch (error) {
      this.#fail(
        error instanceof ChannelError
          ? error
          : new ChannelError(`channel failed: ${describe(error)}`),
      );
    }
  }

  async #readPayload(length: number): Promise<Uint8Array> {
    const frame = new Uint8Array(length);
    let got = Math.min(length, this.#tail - this.#head);
    frame.set(this.#scratch.subarray(this.#head, this.#head + got));
    this.#head += got;
    while (got < length) {
      if (length - got >= SCRATCH_BYTES / 2) {
        // Big remainder: read straight into the frame, no intermediate copy.
        got += await this.#readSome(frame.subarray(got));
      } else {
        await this.#fill();
        const take = Math.min(length - got, this.#tail - this.#head);
        frame.set(this.#scratch.subarray(this.#head, this.#head + take), got);
        this.#head += take;
        got += take;
      }
    }
    return frame;
  }

  // ---- failure handling ----

  #checkIdle(): void {
    if (this.#failure) return;
    const now = Date.now();
    const limit = this.#idleTimeoutMs;
    if (this.#recvWaiter && now - Math.max(this.#lastByteAt, this.#waitingSince) > limit) {
      this.#fail(
        new ChannelError(`no data from peer ${this.peer} for ${limit / 1000} s (idle timeout)`),
      );
    } else if (this.#writer.writing && now - this.#writer.lastWriteAt > limit) {
      this.#fail(
        new ChannelError(
          `peer ${this.peer} stopped reading for ${limit / 1000} s (write timeout)`,
        ),
      );
    }
  }

  #fail(error: ChannelError): void {
    if (this.#failure) return;
    this.#failure = error;
    clearInterval(this.#timer);
    this.#stream.close();
    const waiter = this.#recvWaiter;
    this.#recvWaiter = null;
    waiter?.reject(error);
    this.#writer.fail(error);
    const resume = this.#resumeReader;
    this.#resumeReader = null;
    resume?.();
  }
}

function checkedFrameLimit(bytes: number): number {
  if (!(Number.isInteger(bytes) && bytes >= 1 && bytes <= 0xffffffff)) {
    throw new RangeError(`maxFrameBytes must be an integer in [1, 2^32 - 1]`);
  }
  return bytes;
}

function checkedBufferLimit(bytes: number): number {
  if (!(Number.isInteger(bytes) && bytes >= 0)) {
    throw new RangeError(`receiveBufferBytes must be a non-negative integer`);
  }
  return bytes;
}

/** Shows the first bytes of a bad preamble as hex plus printable ASCII, for the error line. */
function printable(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
  const ascii = Array.from(bytes, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join(
    "",
  );
  return `${hex} "${ascii}"`;
}
