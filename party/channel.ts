/**
 * The channel abstraction every protocol of this project talks through.
 *
 * A channel carries ordered, length-delimited byte frames between the two parties. Protocols
 * never touch sockets: they call `send` (queue a frame), `flush` (wait until every queued frame
 * has been handed to the transport) and `recv` (the next frame from the peer). Every frame is
 * accounted for in {@link ChannelStats}, broken down by the phase label that protocols set
 * (`base-ot`, `offline`, `online`, ...).
 *
 * A "round" is counted each time this party starts sending after it has received (or sends
 * for the first time): a request/response exchange is one round on each side.
 *
 * @module
 */

import { PeerError } from "../core/errors.ts";

/** Traffic counters for one phase (or for the whole session). */
export interface PhaseStats {
  /** Payload bytes sent (frame headers excluded). */
  bytesSent: number;
  /** Payload bytes received (frame headers excluded). */
  bytesReceived: number;
  /** Frames sent. */
  messagesSent: number;
  /** Frames received. */
  messagesReceived: number;
  /** Changes of direction from receiving to sending (see the module doc). */
  rounds: number;
}

/** A fresh all-zero {@link PhaseStats}. */
export function emptyPhaseStats(): PhaseStats {
  return { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, rounds: 0 };
}

/** Byte, message and round accounting for one channel, split by phase label. */
export class ChannelStats {
  /** Totals over every phase. */
  readonly total: PhaseStats = emptyPhaseStats();
  /** Per-phase counters, keyed by the label that was current when the traffic happened. */
  readonly byPhase: Map<string, PhaseStats> = new Map();
  #phase = "setup";
  #current: PhaseStats;
  #lastDirection: "none" | "send" | "recv" = "none";

  constructor() {
    this.#current = this.#phaseStats(this.#phase);
  }

  /** The label that traffic is currently attributed to. */
  get phase(): string {
    return this.#phase;
  }

  /** Attributes all following traffic to `label`; returns the previous label. */
  setPhase(label: string): string {
    const previous = this.#phase;
    this.#phase = label;
    this.#current = this.#phaseStats(label);
    return previous;
  }

  /** Records one sent frame of `bytes` payload bytes. */
  recordSend(bytes: number): void {
    if (this.#lastDirection !== "send") {
      this.total.rounds++;
      this.#current.rounds++;
      this.#lastDirection = "send";
    }
    this.total.bytesSent += bytes;
    this.total.messagesSent++;
    this.#current.bytesSent += bytes;
    this.#current.messagesSent++;
  }

  /** Records one received frame of `bytes` payload bytes. */
  recordReceive(bytes: number): void {
    this.#lastDirection = "recv";
    this.total.bytesReceived += bytes;
    this.total.messagesReceived++;
    this.#current.bytesReceived += bytes;
    this.#current.messagesReceived++;
  }

  /** A plain-object copy, suitable for JSON output. */
  snapshot(): { total: PhaseStats; byPhase: Record<string, PhaseStats> } {
    const byPhase: Record<string, PhaseStats> = {};
    for (const [label, stats] of this.byPhase) byPhase[label] = { ...stats };
    return { total: { ...this.total }, byPhase };
  }

  #phaseStats(label: string): PhaseStats {
    let stats = this.byPhase.get(label);
    if (!stats) {
      stats = emptyPhaseStats();
      this.byPhase.set(label, stats);
    }
    return stats;
  }
}

/** Raised for every transport failure: peer gone, bad frame, timeout, closed channel. */
export class ChannelError extends PeerError {
  /** A transport failure described by a one-line `message` (never containing payload bytes). */
  constructor(message: string) {
    super(message);
    this.name = "ChannelError";
  }
}

/** An ordered, reliable, framed, two-party byte channel with accounting. */
export interface Channel {
  /** Traffic counters of this end. */
  readonly stats: ChannelStats;
  /**
   * Queues one frame for the peer. The channel takes ownership of `frame`: the caller must not
   * modify it afterwards. Transport errors surface from the next `flush` or `recv`.
   */
  send(frame: Uint8Array): void;
  /** Resolves once every queued frame has been handed to the transport. */
  flush(): Promise<void>;
  /** The next frame from the peer; rejects with {@link ChannelError} if the peer is gone. */
  recv(): Promise<Uint8Array>;
  /** Closes this end; pending and later operations reject. */
  close(): void;
}

/** Sends the bytes of a typed array as one frame (copies, so the caller may reuse `data`). */
export function sendTyped(
  channel: Channel,
  data: Uint8Array | Uint32Array | BigUint64Array,
): void {
  channel.send(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
}

/** Receives one frame and checks it is exactly `length` bytes. */
export async function recvBytes(
  channel: Channel,
  length: number,
  what = "frame",
): Promise<Uint8Array> {
  const frame = await channel.recv();
  if (frame.length !== length) {
    throw new ChannelError(`peer sent ${frame.length} bytes for ${what}, expected ${length}`);
  }
  return frame;
}

/** Receives one frame holding exactly `count` little-endian 32-bit words. */
export async function recvU32(
  channel: Channel,
  count: number,
  what = "frame",
): Promise<Uint32Array> {
  const frame = await recvBytes(channel, count * 4, what);
  return frame.byteOffset % 4 === 0
    ? new Uint32Array(frame.buffer, frame.byteOffset, count)
    : new Uint32Array(frame.slice().buffer);
}

/** Receives one frame holding exactly `count` little-endian 64-bit ring elements. */
export async function recvU64(
  channel: Channel,
  count: number,
  what = "frame",
): Promise<BigUint64Array> {
  const frame = await recvBytes(channel, count * 8, what);
  return frame.byteOffset % 8 === 0
    ? new BigUint64Array(frame.buffer, frame.byteOffset, count)
    : new BigUint64Array(frame.slice().buffer);
}

/** Runs `body` with traffic attributed to `label`, then restores the previous label. */
export async function inPhase<T>(
  channel: Channel,
  label: string,
  body: () => Promise<T>,
): Promise<T> {
  const previous = channel.stats.setPhase(label);
  try {
    return await body();
  } finally {
    channel.stats.setPhase(previous);
  }
}
