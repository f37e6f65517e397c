/**
 * What the two IKNP endpoints (ot/iknp_sender.ts, ot/iknp_receiver.ts) share: the security
 * parameter, chunk schedules, frame and buffer helpers. The protocol itself is described in
 * ot/iknp.ts.
 *
 * @module
 */

import { type Channel, ChannelError } from "../party/channel.ts";
import { TccrHash } from "./tccr_hash.ts";
import {
  OT_ANSWER_LOOKAHEAD,
  OT_CHUNK_OTS,
  OT_CHUNK_PAD_BYTES,
  OT_RAMP_MIN_OTS,
  OT_RING_CHUNK_OTS,
} from "../core/tuning.ts";

/** Security parameter κ: base OTs and matrix height. */
export const KAPPA = 128;

/** Default OTs per chunk (one u-matrix frame of KAPPA × CHUNK bits = 1 MiB). */
export const DEFAULT_CHUNK_OTS: number = OT_CHUNK_OTS;

/**
 * Default full chunk of ring-correlated OT (2 MiB u matrix). Larger than for random OT because
 * each chunk costs 128 (sender) or 256 (receiver) AES calls with a fixed overhead each, and
 * the ramped schedule ({@link chunkSizes}) keeps the pipeline fill and drain short anyway.
 */
export const DEFAULT_RING_CHUNK_OTS: number = OT_RING_CHUNK_OTS;

/** Bytes of hashed pad/message data per chunk for vector-valued OTs (bounds chunk memory). */
export const CHUNK_PAD_BYTES: number = OT_CHUNK_PAD_BYTES;

/** Callback for streamed random OTs on the sender: views valid only during the call. */
export type SenderChunkHandler = (offset: number, m0: Uint8Array, m1: Uint8Array) => void;

/** Callback for streamed random OTs on the receiver: views valid only during the call. */
export type ReceiverChunkHandler = (
  offset: number,
  choices: Uint8Array,
  messages: Uint8Array,
) => void;

/** Options shared by both endpoints. */
export interface IknpOptions {
  /** OTs per chunk: a multiple of 128 (default {@link DEFAULT_CHUNK_OTS}). Both sides must agree. */
  chunkOts?: number;
  /**
   * OTs per full chunk of ring-correlated OT: a multiple of 128 (default
   * {@link DEFAULT_RING_CHUNK_OTS}). Both sides must agree.
   */
  ringChunkOts?: number;
  /**
   * Run the KOS15 consistency check (ot/kos_check.ts) on every chunk, so that a malicious
   * extension receiver is caught (OtCheckError) before the sender uses the chunk. Costs
   * κ + s extra OTs and one extra message each way per chunk. Default false (semi-honest
   * IKNP). Both sides must agree; a mismatch fails with a ChannelError on frame lengths.
   */
  maliciousReceiverCheck?: boolean;
}

export function chunkSize(options: IknpOptions, ring = false): number {
  const chunk = ring
    ? options.ringChunkOts ?? DEFAULT_RING_CHUNK_OTS
    : options.chunkOts ?? DEFAULT_CHUNK_OTS;
  if (!(Number.isInteger(chunk) && chunk >= 128 && chunk % 128 === 0)) {
    throw new RangeError(
      `${ring ? "ringChunkOts" : "chunkOts"} ${chunk} must be a positive multiple of 128`,
    );
  }
  return chunk;
}

/** OTs per chunk for vector outputs of `bytesPerOt` bytes: a multiple of 128, at most `max`. */
export function vectorChunk(max: number, bytesPerOt: number): number {
  const fit = Math.floor(CHUNK_PAD_BYTES / Math.max(1, bytesPerOt) / 128) * 128;
  return Math.max(128, Math.min(max, fit));
}

/** Chunks whose answers the receiver may still await while it sends the next u matrix. */
export const ANSWER_LOOKAHEAD: number = OT_ANSWER_LOOKAHEAD;

/** Smallest chunk of a ramped schedule (see {@link chunkSizes}). */
export const RAMP_MIN_OTS: number = OT_RAMP_MIN_OTS;

/**
 * The chunk sizes of a call of `count` OTs, at most `maxChunk` each; all but the last are
 * multiples of 128. With `ramp`, for calls where each chunk is answered by the sender, the
 * first and last chunks grow from and shrink to {@link RAMP_MIN_OTS}: the party that waits
 * while the pipeline fills (sender) and drains (receiver) then waits for a small chunk only.
 * Both sides derive the same schedule from the public count.
 */
export function chunkSizes(count: number, maxChunk: number, ramp: boolean): number[] {
  const sizes: number[] = [];
  const rampSizes: number[] = [];
  for (let size = RAMP_MIN_OTS; ramp && size < maxChunk; size *= 2) rampSizes.push(size);
  const rampTotal = rampSizes.reduce((a, b) => a + b, 0);
  if (rampSizes.length === 0 || count < 2 * rampTotal + maxChunk) {
    for (let offset = 0; offset < count; offset += maxChunk) {
      sizes.push(Math.min(maxChunk, count - offset));
    }
    return sizes;
  }
  sizes.push(...rampSizes);
  let middle = count - 2 * rampTotal;
  const odd = middle % 128; // goes to the very last chunk
  middle -= odd;
  for (; middle > 0; middle -= Math.min(maxChunk, middle)) sizes.push(Math.min(maxChunk, middle));
  sizes.push(...rampSizes.reverse());
  sizes[sizes.length - 1] += odd;
  return sizes;
}

/** Columns of the bit matrix for a chunk of n OTs: n rounded up to a multiple of 128. */
export function paddedColumns(n: number): number {
  return Math.ceil(n / 128) * 128;
}

/** A Uint8Array with a 4-byte aligned offset (copies only if needed). */
export function aligned(frame: Uint8Array): Uint8Array {
  return frame.byteOffset % 4 === 0 ? frame : frame.slice();
}

/** Marks `promise` as handled (its rejection surfaces where it is awaited later). */
export function handled(promise: Promise<void>): Promise<void> {
  promise.catch(() => {});
  return promise;
}

export function bytesOf(words: Uint32Array): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
}

export function u32(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
}

/** Words per row of the column-form matrix. */
export function rowWords(columns: number): number {
  return columns >>> 5;
}

/** Reusable per-endpoint buffers (the matrices of one chunk), grown on demand. */
export class Scratch {
  #buffers: Uint32Array[] = [];

  /** Buffer `slot` with at least `words` words (contents unspecified). */
  get(slot: number, words: number): Uint32Array {
    const current = this.#buffers[slot];
    if (current && current.length >= words) return current;
    const fresh = new Uint32Array(words);
    this.#buffers[slot] = fresh;
    return fresh;
  }
}

/** Receives one frame of exactly `length` bytes, 4-byte aligned. */
export async function recvFrame(
  channel: Channel,
  length: number,
  what: string,
): Promise<Uint8Array> {
  const frame = await channel.recv();
  if (frame.length !== length) {
    throw new ChannelError(
      `OT extension: peer sent ${frame.length} bytes for ${what}, expected ${length}`,
    );
  }
  return aligned(frame);
}

/** Hashes `rows` (n × 16 bytes) into n × blocksPerOt pads under the given tweaks. */
export function hashRows(
  hash: TccrHash,
  rows: Uint8Array,
  n: number,
  blocksPerOt: number,
  tweaks: Uint8Array,
): Uint8Array {
  if (blocksPerOt === 1) return hash.hash(rows.subarray(0, n * 16), tweaks, new Uint8Array(n * 16));
  const spread = new Uint8Array(n * blocksPerOt * 16);
  for (let i = 0; i < n; i++) {
    const row = rows.subarray(i * 16, i * 16 + 16);
    for (let b = 0; b < blocksPerOt; b++) spread.set(row, (i * blocksPerOt + b) * 16);
  }
  return hash.hash(spread, tweaks, spread);
}

/** XORs Δ into every 16-byte row of `rows` (n rows) into `out`. */
export function xorDelta(
  rows: Uint8Array,
  n: number,
  delta: Uint32Array,
  out: Uint8Array,
): Uint8Array {
  const r = u32(rows);
  const o = u32(out);
  const d0 = delta[0], d1 = delta[1], d2 = delta[2], d3 = delta[3];
  for (let i = 0; i < n * 4; i += 4) {
    o[i] = r[i] ^ d0;
    o[i + 1] = r[i + 1] ^ d1;
    o[i + 2] = r[i + 2] ^ d2;
    o[i + 3] = r[i + 3] ^ d3;
  }
  return out;
}
