/**
 * IKNP OT extension (Ishai, Kilian, Nissim, Petrank, CRYPTO 2003), semi-honest, streamed in
 * chunks so that any number of OTs runs in bounded memory.
 *
 * Roles swap with respect to the base OTs: the extension sender holds a random s ∈ {0,1}^128
 * and the keys k_j^{s_j} (base-OT receiver); the extension receiver holds both keys k_j^0, k_j^1
 * (base-OT sender). Per chunk of N OTs, with choice bits r:
 *   receiver: t_j = G(k_j^0), u_j = t_j ⊕ G(k_j^1) ⊕ r, sends the 128 × N bit matrix u;
 *   sender:   q_j = G(k_j^{s_j}) ⊕ s_j·u_j = t_j ⊕ s_j·r;
 * after transposing, row i gives q_i = t_i ⊕ r_i·s. G is AES-128-CTR (party/prg.ts).
 *
 * Outputs are then derived locally (see ot/types.ts for the API):
 * - correlated OT with global Δ = s: (q_i, q_i ⊕ Δ) and t_i, unhashed on purpose;
 * - random OT: H(i, q_i), H(i, q_i ⊕ s) and H(i, t_i), with H the tweakable correlation-robust
 *   hash of ot/tccr_hash.ts; the tweak is (OT index, block index) where the OT index is a
 *   running counter of this endpoint pair, so no tweak is ever reused;
 * - ring-correlated OT (ot/ring_correlation.ts) and chosen-message OT (y_b = M_b ⊕ H(i, q_i ⊕ b·s)).
 *
 * With `maliciousReceiverCheck`, every chunk also runs the KOS15 consistency check of
 * ot/kos_check.ts (extra masked OTs, a sender challenge, the receiver's answer) and the sender
 * uses none of a chunk's outputs before its check has passed. Frame order per chunk k with the
 * check: random and global-delta OT send u_k, seed_k, then the answer to chunk k − 1 (lagged,
 * so neither party waits a round trip); ring, Gilboa and chosen OT send u_k, seed_k, answer_k,
 * then the sender's corrections or ciphertexts for chunk k.
 *
 * Revealed values: the u matrix (a one-time-pad of r under G(k_j^{1−s_j}), which the sender
 * cannot compute), the ring corrections τ and the chosen-OT ciphertexts, each masked by a pad
 * the receiver does not hold. Security: base OTs secure, AES a PRF, H tweakable correlation
 * robust; static semi-honest adversaries. Every frame from the peer is length-checked.
 *
 * @module
 */

import { type Channel, ChannelError } from "../party/channel.ts";
import { setImmediate } from "node:timers";
import { Prg, randomSeed } from "../party/prg.ts";
import { RowExpander } from "./row_prg.ts";
import type {
  OtExtensionReceiver,
  OtExtensionSender,
  OtWidths,
  RandomOtReceiverOutput,
  RandomOtSenderOutput,
  RingCotReceiverOutput,
} from "./types.ts";
import { fillTweaks, TccrHash } from "./tccr_hash.ts";
import { MatrixTransposer } from "./transpose_wasm.ts";
import {
  checkFoldShape,
  foldCorrectionBits,
  foldReceiverChunk,
  foldSenderChunk,
  FoldState,
  packScalarBits,
} from "./gilboa_fold.ts";
import {
  CHALLENGE_SEED_BYTES,
  CHECK_RESPONSE_BYTES,
  checkedColumns,
  ColumnHasher,
  OtCheckError,
  receiverCheckResponse,
  senderCheckSums,
  verifyCheckResponse,
} from "./kos_check.ts";
import {
  correctionBits,
  ringReceiverChunk,
  ringSenderChunk,
  validateWidths,
} from "./ring_correlation.ts";

/** Security parameter κ: base OTs and matrix height. */
export const KAPPA = 128;

/** Default OTs per chunk (one u-matrix frame of KAPPA × CHUNK bits = 1 MiB). */
export const DEFAULT_CHUNK_OTS = 1 << 16;

/**
 * Default full chunk of ring-correlated OT (2 MiB u matrix). Larger than for random OT because
 * each chunk costs 128 (sender) or 256 (receiver) AES calls of ~2 µs fixed overhead each, and
 * the ramped schedule ({@link chunkSizes}) keeps the pipeline fill and drain short anyway.
 */
export const DEFAULT_RING_CHUNK_OTS = 1 << 17;

/** Bytes of hashed pad/message data per chunk for vector-valued OTs (bounds chunk memory). */
const CHUNK_PAD_BYTES = 1 << 22;

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

function checkCount(count: number): void {
  if (!(Number.isSafeInteger(count) && count >= 0)) {
    throw new RangeError(`OT count ${count} is not a non-negative integer`);
  }
}

function chunkSize(options: IknpOptions, ring = false): number {
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
function vectorChunk(max: number, bytesPerOt: number): number {
  const fit = Math.floor(CHUNK_PAD_BYTES / Math.max(1, bytesPerOt) / 128) * 128;
  return Math.max(128, Math.min(max, fit));
}

/** Chunks whose answers the receiver may still await while it sends the next u matrix. */
const ANSWER_LOOKAHEAD = 2;

/** Smallest chunk of a ramped schedule (see {@link chunkSizes}). */
const RAMP_MIN_OTS = 16384;

/**
 * The chunk sizes of a call of `count` OTs, at most `maxChunk` each; all but the last are
 * multiples of 128. With `ramp`, for calls where each chunk is answered by the sender, the
 * first and last chunks grow from and shrink to {@link RAMP_MIN_OTS}: the party that waits
 * while the pipeline fills (sender) and drains (receiver) then waits for a small chunk only.
 * Both sides derive the same schedule from the public count.
 */
function chunkSizes(count: number, maxChunk: number, ramp: boolean): number[] {
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
function paddedColumns(n: number): number {
  return Math.ceil(n / 128) * 128;
}

/** A Uint8Array with a 4-byte aligned offset (copies only if needed). */
function aligned(frame: Uint8Array): Uint8Array {
  return frame.byteOffset % 4 === 0 ? frame : frame.slice();
}

/** Marks `promise` as handled (its rejection surfaces where it is awaited later). */
function handled(promise: Promise<void>): Promise<void> {
  promise.catch(() => {});
  return promise;
}

function bytesOf(words: Uint32Array): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
}

function u32(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
}

/** Words per row of the column-form matrix. */
function rowWords(columns: number): number {
  return columns >>> 5;
}

/** Reusable per-endpoint buffers (the matrices of one chunk), grown on demand. */
class Scratch {
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
async function recvFrame(channel: Channel, length: number, what: string): Promise<Uint8Array> {
  const frame = await channel.recv();
  if (frame.length !== length) {
    throw new ChannelError(
      `OT extension: peer sent ${frame.length} bytes for ${what}, expected ${length}`,
    );
  }
  return aligned(frame);
}

/** Hashes `rows` (n × 16 bytes) into n × blocksPerOt pads under the given tweaks. */
function hashRows(
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
function xorDelta(rows: Uint8Array, n: number, delta: Uint32Array, out: Uint8Array): Uint8Array {
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

/** One receiver chunk: the u matrix to send, the t rows, and what its KOS15 answer needs. */
interface ExtendedChunk {
  /** The u matrix (a fresh array, handed to the channel). */
  u: Uint8Array;
  /** The transposed rows t_i (scratch, valid until the next extension). */
  rows: Uint8Array;
  /** Matrix columns (OTs including padding and KOS15 extras). */
  columns: number;
  /** Column-form t matrix (scratch, valid until the next extension). */
  t: Uint32Array;
  /** The choice-bit row r of all columns (scratch, valid until the next extension). */
  choiceRow: Uint32Array;
}

/** The IKNP extension sender (base-OT receiver with choice string s = Δ). */
export class IknpSender implements OtExtensionSender {
  readonly delta: Uint8Array;
  #channel: Channel;
  #rows: RowExpander;
  #deltaBits: Uint8Array;
  #delta32: Uint32Array;
  #chunk: number;
  #ringChunk: number;
  #hash = new TccrHash();
  #counter = 0;
  #scratch = new Scratch();
  #matrix = new MatrixTransposer();
  #checkHasher: ColumnHasher | null;
  #prg: Prg | undefined;

  /**
   * @param channel the channel to the peer's {@link IknpReceiver}
   * @param delta 16 bytes: the base-OT choice bits s (bit j = base OT j's choice)
   * @param keys 128 × 16 bytes: the base-OT keys k_j^{s_j}
   * @param prg private randomness for the KOS15 challenges (only drawn from when
   *   `options.maliciousReceiverCheck` is set; a fresh OS-seeded PRG if omitted)
   */
  constructor(
    channel: Channel,
    delta: Uint8Array,
    keys: Uint8Array,
    options: IknpOptions = {},
    prg?: Prg,
  ) {
    if (delta.length !== 16 || keys.length !== KAPPA * 16) {
      throw new RangeError("IknpSender: need a 16-byte delta and 128 16-byte keys");
    }
    this.#channel = channel;
    this.delta = delta.slice();
    this.#delta32 = u32(this.delta.slice());
    this.#deltaBits = new Uint8Array(KAPPA);
    for (let j = 0; j < KAPPA; j++) this.#deltaBits[j] = (delta[j >> 3] >> (j & 7)) & 1;
    this.#rows = new RowExpander(keys);
    this.#chunk = chunkSize(options);
    this.#ringChunk = chunkSize(options, true);
    this.#checkHasher = options.maliciousReceiverCheck ? new ColumnHasher() : null;
    this.#prg = prg;
  }

  /**
   * Receives one chunk's u matrix and returns the rows q_i (columns × 16 bytes, scratch valid
   * until the next call). With the KOS15 check on, it also sends the chunk's challenge seed and
   * returns the sender's sums q̃; the rows must not be used before {@link #verify} passes.
   */
  async #extend(n: number): Promise<{ rows: Uint8Array; sums: Uint32Array | null }> {
    const hasher = this.#checkHasher;
    const columns = hasher ? checkedColumns(n) : paddedColumns(n);
    const rowBytes = columns >>> 3;
    const u = u32(await recvFrame(this.#channel, KAPPA * rowBytes, "IKNP u matrix"));
    const q32 = this.#matrix.input(columns);
    const words = rowWords(columns);
    const deltaBits = this.#deltaBits;
    this.#rows.expand(rowBytes, (j, row) => {
      const base = j * words;
      if (deltaBits[j]) {
        for (let w = 0; w < words; w++) q32[base + w] = row[w] ^ u[base + w];
      } else {
        q32.set(row, base);
      }
    });
    if (!hasher) return { rows: this.#matrix.transpose(columns), sums: null };
    // The challenge is drawn only now, after the whole u matrix of the chunk has arrived.
    this.#prg ??= new Prg(randomSeed());
    const seed = this.#prg.bytes(CHALLENGE_SEED_BYTES);
    this.#channel.send(seed.slice());
    const sent = handled(this.#channel.flush());
    const rows = this.#matrix.transpose(columns);
    const sums = senderCheckSums(hasher, q32, columns, seed);
    await sent;
    return { rows, sums };
  }

  /** Receives and verifies the receiver's KOS15 answer for a chunk (no-op without the check). */
  async #verify(sums: Uint32Array | null): Promise<void> {
    if (!sums) return;
    const answer = await recvFrame(this.#channel, CHECK_RESPONSE_BYTES, "KOS check values");
    try {
      verifyCheckResponse(sums, this.#deltaBits, answer);
    } catch (error) {
      // Abort: the peer deviated, so nothing more of this session may be trusted.
      if (error instanceof OtCheckError) this.#channel.close();
      throw error;
    }
  }

  /**
   * Runs `body` per chunk of at most `maxChunk` OTs with the chunk's q rows, each only after
   * the chunk's KOS15 check (if on) has passed. With `lagged` (kinds where the receiver gets no
   * answer from the sender), the receiver answers chunk k's check after sending u_{k+1}, so
   * the sender extends chunk k + 1 before it verifies and releases chunk k (rows copied into
   * one of two buffers); this keeps both parties busy instead of waiting a round trip per chunk.
   */
  async #chunks(
    count: number,
    maxChunk: number,
    body: (offset: number, n: number, rows: Uint8Array, firstIndex: number) => Promise<void> | void,
    ramp = false,
    lagged = false,
  ): Promise<void> {
    checkCount(count);
    const release = async (
      offset: number,
      n: number,
      rows: Uint8Array,
      sums: Uint32Array | null,
    ) => {
      await this.#verify(sums);
      const firstIndex = this.#counter;
      this.#counter += n;
      await body(offset, n, rows, firstIndex);
    };
    let offset = 0;
    if (!(this.#checkHasher && lagged)) {
      for (const n of chunkSizes(count, maxChunk, ramp)) {
        const { rows, sums } = await this.#extend(n);
        await release(offset, n, rows, sums);
        offset += n;
      }
      return;
    }
    let held: { offset: number; n: number; rows: Uint8Array; sums: Uint32Array | null } | null =
      null;
    let slot = 0;
    for (const n of chunkSizes(count, maxChunk, ramp)) {
      const { rows, sums } = await this.#extend(n);
      const copy = bytesOf(this.#scratch.get(3 + slot, n * 4)).subarray(0, n * 16);
      copy.set(rows.subarray(0, n * 16));
      slot ^= 1;
      if (held) await release(held.offset, held.n, held.rows, held.sums);
      held = { offset, n, rows: copy, sums };
      offset += n;
    }
    if (held) await release(held.offset, held.n, held.rows, held.sums);
  }

  /** Streams `count` random OTs chunk by chunk to `onChunk` (bounded memory for any count). */
  async randomOtStream(count: number, onChunk: SenderChunkHandler): Promise<void> {
    await this.#chunks(
      count,
      this.#chunk,
      (offset, n, rows, firstIndex) => {
        // Both messages in one batch of the hash, in a scratch buffer: the handler's views are
        // documented as valid only during the call.
        const [m0, m1] = this.#senderPads(rows, n, 1, firstIndex);
        onChunk(offset, bytesOf(m0), bytesOf(m1));
      },
      false,
      true,
    );
  }

  async randomOt(count: number): Promise<RandomOtSenderOutput> {
    checkCount(count);
    const m0 = new Uint8Array(count * 16);
    const m1 = new Uint8Array(count * 16);
    await this.randomOtStream(count, (offset, c0, c1) => {
      m0.set(c0, offset * 16);
      m1.set(c1, offset * 16);
    });
    return { m0, m1 };
  }

  async correlatedOt(count: number): Promise<Uint8Array> {
    checkCount(count);
    const m0 = new Uint8Array(count * 16);
    await this.#chunks(
      count,
      this.#chunk,
      (offset, n, rows) => {
        m0.set(rows.subarray(0, n * 16), offset * 16);
      },
      false,
      true,
    );
    return m0;
  }

  async correlatedOtRing(
    correlations: BigUint64Array,
    vectorLength: number,
    widths: OtWidths,
  ): Promise<BigUint64Array> {
    if (!(Number.isInteger(vectorLength) && vectorLength >= 1)) {
      throw new RangeError(`vectorLength ${vectorLength} must be a positive integer`);
    }
    if (correlations.length % vectorLength !== 0) {
      throw new RangeError("correlations length is not a multiple of vectorLength");
    }
    const count = correlations.length / vectorLength;
    validateWidths(widths, count);
    const out = new BigUint64Array(count * vectorLength);
    const out32 = new Uint32Array(out.buffer);
    const corr32 = new Uint32Array(
      correlations.buffer,
      correlations.byteOffset,
      count * vectorLength * 2,
    );
    const blocksPerOt = Math.ceil(vectorLength / 2);
    const maxChunk = vectorChunk(this.#ringChunk, blocksPerOt * 32);
    let inFlight: Promise<void> = Promise.resolve();
    await this.#chunks(count, maxChunk, async (offset, n, rows, firstIndex) => {
      const [pad0, pad1] = this.#senderPads(rows, n, blocksPerOt, firstIndex);
      const start = offset * vectorLength * 2;
      const packed = ringSenderChunk(
        pad0,
        pad1,
        blocksPerOt * 2,
        corr32.subarray(start),
        out32.subarray(start),
        n,
        vectorLength,
        widths,
        offset,
      );
      const bytes = Math.ceil(correctionBits(widths, offset, n, vectorLength) / 8);
      // At most one correction frame queued besides this one (bounded memory); not waiting
      // for this write lets the next u matrix be received and processed meanwhile.
      await inFlight;
      this.#channel.send(new Uint8Array(packed.buffer, 0, bytes));
      inFlight = handled(this.#channel.flush());
    }, true);
    await inFlight;
    return out;
  }

  /**
   * Sender half of Gilboa products folded into the OT stream (ot/gilboa_fold.ts): for each
   * x_t, `bits` ring-correlated OTs with correlation x_t and widths bits, ..., 1, where
   * bits + shift = 64. Returns this party's shares −Σ_j 2^(j+shift)·m0_{t,j}; the peer's
   * {@link IknpReceiver.gilboaFoldReceiver} gets the rest of 2^shift · b_t · x_t. Same
   * messages as {@link correlatedOtRing} with those widths, in one pipelined stream.
   */
  async gilboaFoldSender(x: BigUint64Array, bits: number, shift: number): Promise<BigUint64Array> {
    checkFoldShape(bits, shift);
    const result = new BigUint64Array(x.length);
    const result32 = new Uint32Array(result.buffer);
    const x32 = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
    const state = new FoldState(bits, shift, true);
    let inFlight: Promise<void> = Promise.resolve();
    await this.#chunks(
      x.length * bits,
      vectorChunk(this.#ringChunk, 32),
      async (_o, n, rows, i) => {
        const [pad0, pad1] = this.#senderPads(rows, n, 1, i);
        const { packed, bitCount } = foldSenderChunk(pad0, pad1, x32, n, state, result32);
        await inFlight; // at most one correction frame queued besides this one
        this.#channel.send(new Uint8Array(packed.buffer, 0, Math.ceil(bitCount / 8)));
        inFlight = handled(this.#channel.flush());
      },
      true,
    );
    await inFlight;
    return result;
  }

  /**
   * The pads H(i, q_i) and H(i, q_i ⊕ s) of one chunk, as u32 views with blocksPerOt blocks
   * per OT. With one block per OT both go through a single two-call batch of the hash.
   */
  #senderPads(
    rows: Uint8Array,
    n: number,
    blocksPerOt: number,
    firstIndex: number,
  ): [Uint32Array, Uint32Array] {
    if (blocksPerOt === 1) {
      const both32 = this.#scratch.get(2, n * 8);
      const both = new Uint8Array(both32.buffer, 0, n * 32);
      both.set(rows.subarray(0, n * 16));
      xorDelta(rows, n, this.#delta32, both.subarray(n * 16));
      this.#hash.hashIndexed(both, firstIndex, n, both);
      return [both32.subarray(0, n * 4), both32.subarray(n * 4, n * 8)];
    }
    const tweaks = fillTweaks(new Uint8Array(n * blocksPerOt * 16), firstIndex, n, blocksPerOt);
    const pad0 = hashRows(this.#hash, rows, n, blocksPerOt, tweaks);
    const flipped = xorDelta(rows, n, this.#delta32, new Uint8Array(n * 16));
    const pad1 = hashRows(this.#hash, flipped, n, blocksPerOt, tweaks);
    return [u32(pad0), u32(pad1)];
  }

  async chosenOt(m0: Uint8Array, m1: Uint8Array, messageBytes: number): Promise<void> {
    if (!(Number.isInteger(messageBytes) && messageBytes >= 1)) {
      throw new RangeError(`messageBytes ${messageBytes} must be a positive integer`);
    }
    if (m0.length !== m1.length || m0.length % messageBytes !== 0) {
      throw new RangeError("chosenOt: m0 and m1 must be equal multiples of messageBytes");
    }
    const count = m0.length / messageBytes;
    const blocksPerOt = Math.ceil(messageBytes / 16);
    const maxChunk = vectorChunk(this.#chunk, blocksPerOt * 32);
    await this.#chunks(count, maxChunk, async (offset, n, rows, firstIndex) => {
      const tweaks = fillTweaks(new Uint8Array(n * blocksPerOt * 16), firstIndex, n, blocksPerOt);
      const pad0 = hashRows(this.#hash, rows, n, blocksPerOt, tweaks);
      const flipped = xorDelta(rows, n, this.#delta32, new Uint8Array(n * 16));
      const pad1 = hashRows(this.#hash, flipped, n, blocksPerOt, tweaks);
      const frame = new Uint8Array(2 * n * messageBytes);
      const padStride = blocksPerOt * 16;
      const half = n * messageBytes;
      for (let i = 0; i < n; i++) {
        const src = (offset + i) * messageBytes;
        const dst = i * messageBytes;
        const p = i * padStride;
        for (let b = 0; b < messageBytes; b++) {
          frame[dst + b] = m0[src + b] ^ pad0[p + b];
          frame[half + dst + b] = m1[src + b] ^ pad1[p + b];
        }
      }
      this.#channel.send(frame);
      await this.#channel.flush();
    });
  }
}

/** The IKNP extension receiver (base-OT sender holding both keys of every base OT). */
export class IknpReceiver implements OtExtensionReceiver {
  #channel: Channel;
  #prg: Prg;
  #rows0: RowExpander;
  #rows1: RowExpander;
  #chunk: number;
  #ringChunk: number;
  #hash = new TccrHash();
  #counter = 0;
  #matrix = new MatrixTransposer();
  #checkHasher: ColumnHasher | null;

  /**
   * @param channel the channel to the peer's {@link IknpSender}
   * @param prg this party's private PRG (draws random choice bits)
   * @param keys0 128 × 16 bytes: base-OT keys k_j^0
   * @param keys1 128 × 16 bytes: base-OT keys k_j^1
   */
  constructor(
    channel: Channel,
    prg: Prg,
    keys0: Uint8Array,
    keys1: Uint8Array,
    options: IknpOptions = {},
  ) {
    if (keys0.length !== KAPPA * 16 || keys1.length !== KAPPA * 16) {
      throw new RangeError("IknpReceiver: need 128 16-byte keys of each kind");
    }
    this.#channel = channel;
    this.#prg = prg;
    this.#rows0 = new RowExpander(keys0);
    this.#rows1 = new RowExpander(keys1);
    this.#chunk = chunkSize(options);
    this.#ringChunk = chunkSize(options, true);
    this.#checkHasher = options.maliciousReceiverCheck ? new ColumnHasher() : null;
  }

  /**
   * Computes one chunk's u matrix for `choices` (chunk bits from bit 0) and the rows t_i
   * (columns × 16 bytes, a scratch buffer valid until the next call).
   */
  #extend(n: number, choices: Uint8Array): ExtendedChunk {
    const columns = this.#checkHasher ? checkedColumns(n) : paddedColumns(n);
    const rowBytes = columns >>> 3;
    const words = rowWords(columns);
    const t32 = this.#matrix.input(columns);
    const { second: g32, mask: r } = this.#matrix.maskBuffers(columns);
    r.fill(0);
    const rBytes = new Uint8Array(r.buffer, r.byteOffset, rowBytes);
    rBytes.set(choices.subarray(0, Math.ceil(n / 8)));
    if (this.#checkHasher) {
      // KOS15: the extra OTs (every column from n on) get fresh random choice bits.
      const first = n >>> 3;
      const random = this.#prg.bytes(rowBytes - first);
      const keep = (1 << (n & 7)) - 1;
      rBytes[first] = (rBytes[first] & keep) | (random[0] & ~keep);
      rBytes.set(random.subarray(1), first + 1);
    }
    this.#rows0.expandPair(this.#rows1, rowBytes, (j, row0, row1) => {
      t32.set(row0, j * words);
      g32.set(row1, j * words);
    });
    // u_j = t_j ⊕ G(k_j^1) ⊕ r, a fresh array: the channel takes ownership.
    const u = this.#matrix.maskRows(columns);
    return { u, rows: this.#matrix.transpose(columns), columns, t: t32, choiceRow: r };
  }

  /**
   * KOS15 answer for the chunk last extended: receives the sender's challenge seed and sends
   * t̃ and x̃ (ot/kos_check.ts). No-op when the check is off.
   */
  async #answerCheck(chunk: Pick<ExtendedChunk, "t" | "choiceRow" | "columns">): Promise<void> {
    const hasher = this.#checkHasher;
    if (!hasher) return;
    const seed = await recvFrame(this.#channel, CHALLENGE_SEED_BYTES, "KOS challenge seed");
    const response = receiverCheckResponse(hasher, chunk.t, chunk.choiceRow, chunk.columns, seed);
    this.#channel.send(response);
    await this.#channel.flush();
  }

  /** Resolves the choice bits: validates given ones, or draws fresh random ones. */
  #choices(count: number, choices: Uint8Array | undefined): Uint8Array {
    checkCount(count);
    const bytes = Math.ceil(count / 8);
    if (choices !== undefined) {
      if (choices.length < bytes) {
        throw new RangeError(`choices has ${choices.length} bytes, need ${bytes} for ${count} OTs`);
      }
      return choices;
    }
    const drawn = this.#prg.bytes(bytes);
    if (count % 8 !== 0) drawn[bytes - 1] &= (1 << (count % 8)) - 1;
    return drawn;
  }

  /**
   * Runs `body` per chunk with the chunk's t rows; chunks are pipelined one frame ahead. With
   * the KOS15 check on, chunk k's check is answered right after u_{k+1} is sent (the lagged
   * order of the sender's #chunks; t and r are copied until then), or before `body` when
   * `bodyReceives` (the sender answers a chunk only after checking it).
   */
  async #chunks(
    count: number,
    choices: Uint8Array,
    maxChunk: number,
    body: (offset: number, n: number, rows: Uint8Array, firstIndex: number) => Promise<void> | void,
    bodyReceives = false,
  ): Promise<void> {
    let inFlight: Promise<void> = Promise.resolve();
    const lagged = this.#checkHasher !== null && !bodyReceives;
    let held: { t: Uint32Array; choiceRow: Uint32Array; columns: number } | null = null;
    for (let offset = 0; offset < count; offset += maxChunk) {
      const n = Math.min(maxChunk, count - offset);
      const chunk = this.#extend(n, choices.subarray(offset >>> 3));
      const { u, rows } = chunk;
      // At most one u matrix queued besides this one: bounded memory, and the previous write
      // overlapped with computing this chunk.
      await inFlight;
      this.#channel.send(u);
      inFlight = handled(this.#channel.flush());
      // Let the event loop start writing u before the (synchronous) hashing below.
      await new Promise((resolve) => setImmediate(resolve));
      const firstIndex = this.#counter;
      this.#counter += n;
      if (lagged) {
        if (held) await this.#answerCheck(held);
        held = this.#holdForCheck(chunk);
      } else if (bodyReceives) {
        await this.#answerCheck(chunk);
      }
      await body(offset, n, rows, firstIndex);
    }
    if (held) await this.#answerCheck(held);
    await inFlight;
  }

  #heldT = new Uint32Array(0);
  #heldChoices = new Uint32Array(0);

  /** Copies what a chunk's KOS15 answer needs, since the next extension reuses the buffers. */
  #holdForCheck(chunk: ExtendedChunk): { t: Uint32Array; choiceRow: Uint32Array; columns: number } {
    const words = chunk.columns * 4;
    if (this.#heldT.length < words) this.#heldT = new Uint32Array(words);
    if (this.#heldChoices.length < chunk.columns >>> 5) {
      this.#heldChoices = new Uint32Array(chunk.columns >>> 5);
    }
    const t = this.#heldT.subarray(0, words);
    t.set(chunk.t.subarray(0, words));
    const choiceRow = this.#heldChoices.subarray(0, chunk.columns >>> 5);
    choiceRow.set(chunk.choiceRow.subarray(0, chunk.columns >>> 5));
    return { t, choiceRow, columns: chunk.columns };
  }

  /**
   * Like {@link #chunks} for protocols where the sender answers each chunk with one frame:
   * `prepare` runs on the chunk's rows right after its u matrix is sent (the rows are scratch,
   * overwritten by the next chunk) and `finish` receives and uses the answer. The answer to
   * chunk k is awaited only after u_{k+ANSWER_LOOKAHEAD} has been sent, and the event loop gets
   * a turn right after each send so the write proceeds during the hashing: the two parties
   * then compute at the same time instead of waiting on each other's in-transit frames.
   */
  async #answeredChunks<S>(
    count: number,
    choices: Uint8Array,
    maxChunk: number,
    prepare: (offset: number, n: number, rows: Uint8Array, firstIndex: number) => S,
    finish: (offset: number, n: number, state: S) => Promise<void>,
  ): Promise<void> {
    const flushes: Promise<void>[] = [];
    const pending: (() => Promise<void>)[] = [];
    // With the KOS15 check the sender answers chunk k only after checking it, and its seed for
    // chunk k + 1 comes after that answer, so no chunk can be left pending.
    const lookahead = this.#checkHasher ? 0 : ANSWER_LOOKAHEAD;
    let offset = 0;
    for (const n of chunkSizes(count, maxChunk, true)) {
      const chunk = this.#extend(n, choices.subarray(offset >>> 3));
      const { u, rows } = chunk;
      // At most ANSWER_LOOKAHEAD u matrices queued besides this one (bounded memory).
      if (flushes.length >= ANSWER_LOOKAHEAD) await flushes.shift();
      this.#channel.send(u);
      flushes.push(handled(this.#channel.flush()));
      // Let the event loop start writing u before the (synchronous) hashing below.
      await new Promise((resolve) => setImmediate(resolve));
      const firstIndex = this.#counter;
      this.#counter += n;
      const state = prepare(offset, n, rows, firstIndex);
      await this.#answerCheck(chunk);
      const chunkOffset = offset;
      pending.push(() => finish(chunkOffset, n, state));
      offset += n;
      if (pending.length > lookahead) await pending.shift()!();
    }
    while (pending.length > 0) await pending.shift()!();
    await Promise.all(flushes);
  }

  /** Streams `count` random OTs chunk by chunk to `onChunk`; returns the choice bits used. */
  async randomOtStream(
    count: number,
    choices: Uint8Array | undefined,
    onChunk: ReceiverChunkHandler,
  ): Promise<Uint8Array> {
    const bits = this.#choices(count, choices);
    await this.#chunks(count, bits, this.#chunk, (offset, n, rows, firstIndex) => {
      const messages = rows.subarray(0, n * 16);
      this.#hash.hashIndexed(messages, firstIndex, n, messages); // in place, see the handler's contract
      onChunk(offset, bits.subarray(offset >>> 3, (offset + n + 7) >>> 3), messages);
    });
    return bits;
  }

  async randomOt(count: number, choices?: Uint8Array): Promise<RandomOtReceiverOutput> {
    checkCount(count);
    const messages = new Uint8Array(count * 16);
    const bits = await this.randomOtStream(count, choices, (offset, _c, chunk) => {
      messages.set(chunk, offset * 16);
    });
    return { choices: bits, messages };
  }

  async correlatedOt(count: number, choices?: Uint8Array): Promise<RandomOtReceiverOutput> {
    const bits = this.#choices(count, choices);
    const messages = new Uint8Array(count * 16);
    await this.#chunks(count, bits, this.#chunk, (offset, n, rows) => {
      messages.set(rows.subarray(0, n * 16), offset * 16);
    });
    return { choices: bits, messages };
  }

  async correlatedOtRing(
    count: number,
    vectorLength: number,
    widths: OtWidths,
    choices?: Uint8Array,
  ): Promise<RingCotReceiverOutput> {
    if (!(Number.isInteger(vectorLength) && vectorLength >= 1)) {
      throw new RangeError(`vectorLength ${vectorLength} must be a positive integer`);
    }
    const bits = this.#choices(count, choices);
    validateWidths(widths, count);
    const values = new BigUint64Array(count * vectorLength);
    const values32 = new Uint32Array(values.buffer);
    const blocksPerOt = Math.ceil(vectorLength / 2);
    const maxChunk = vectorChunk(this.#ringChunk, blocksPerOt * 32);
    const prepare = (_offset: number, n: number, rows: Uint8Array, firstIndex: number) => {
      if (blocksPerOt === 1) {
        return this.#hash.hashIndexed(
          rows.subarray(0, n * 16),
          firstIndex,
          n,
          new Uint8Array(n * 16),
        );
      }
      const tweaks = fillTweaks(new Uint8Array(n * blocksPerOt * 16), firstIndex, n, blocksPerOt);
      return hashRows(this.#hash, rows, n, blocksPerOt, tweaks);
    };
    await this.#answeredChunks(count, bits, maxChunk, prepare, async (offset, n, pad) => {
      const bitCount = correctionBits(widths, offset, n, vectorLength);
      const frame = await recvFrame(this.#channel, Math.ceil(bitCount / 8), "ring-OT corrections");
      const packed = new Uint32Array(Math.ceil(bitCount / 32) + 1);
      new Uint8Array(packed.buffer).set(frame);
      ringReceiverChunk(
        u32(pad),
        blocksPerOt * 2,
        packed,
        bits.subarray(offset >>> 3),
        values32.subarray(offset * vectorLength * 2),
        n,
        vectorLength,
        widths,
        offset,
      );
    });
    return { choices: bits, values };
  }

  /**
   * Receiver half of {@link IknpSender.gilboaFoldSender}: this party holds the scalars b_t
   * (bits 0..bits−1 are the choice bits) and gets its shares Σ_j 2^(j+shift)·(m0 + b_{t,j}·x_t).
   */
  async gilboaFoldReceiver(
    scalars: BigUint64Array,
    bits: number,
    shift: number,
  ): Promise<BigUint64Array> {
    checkFoldShape(bits, shift);
    const count = scalars.length * bits;
    const choices = packScalarBits(
      new Uint32Array(scalars.buffer, scalars.byteOffset, scalars.length * 2),
      scalars.length,
      bits,
    );
    const result = new BigUint64Array(scalars.length);
    const result32 = new Uint32Array(result.buffer);
    const state = new FoldState(bits, shift, false);
    const prepare = (_offset: number, n: number, rows: Uint8Array, firstIndex: number) =>
      this.#hash.hashIndexed(rows.subarray(0, n * 16), firstIndex, n, new Uint8Array(n * 16));
    await this.#answeredChunks(
      count,
      choices,
      vectorChunk(this.#ringChunk, 32),
      prepare,
      async (offset, n, pad) => {
        const bitCount = foldCorrectionBits(offset, n, bits);
        const frame = await recvFrame(this.#channel, Math.ceil(bitCount / 8), "Gilboa corrections");
        const packed = new Uint32Array(Math.ceil(bitCount / 32) + 2);
        new Uint8Array(packed.buffer).set(frame);
        foldReceiverChunk(u32(pad), packed, choices.subarray(offset >>> 3), n, state, result32);
      },
    );
    return result;
  }

  async chosenOt(choices: Uint8Array, count: number, messageBytes: number): Promise<Uint8Array> {
    if (!(Number.isInteger(messageBytes) && messageBytes >= 1)) {
      throw new RangeError(`messageBytes ${messageBytes} must be a positive integer`);
    }
    const bits = this.#choices(count, choices);
    const out = new Uint8Array(count * messageBytes);
    const blocksPerOt = Math.ceil(messageBytes / 16);
    const maxChunk = vectorChunk(this.#chunk, blocksPerOt * 32);
    await this.#chunks(count, bits, maxChunk, async (offset, n, rows, firstIndex) => {
      const tweaks = fillTweaks(new Uint8Array(n * blocksPerOt * 16), firstIndex, n, blocksPerOt);
      const pad = hashRows(this.#hash, rows, n, blocksPerOt, tweaks);
      const frame = await recvFrame(this.#channel, 2 * n * messageBytes, "chosen-OT ciphertexts");
      const half = n * messageBytes;
      const padStride = blocksPerOt * 16;
      for (let i = 0; i < n; i++) {
        const choice = (bits[(offset + i) >>> 3] >>> ((offset + i) & 7)) & 1;
        const src = choice * half + i * messageBytes;
        const dst = (offset + i) * messageBytes;
        const p = i * padStride;
        for (let b = 0; b < messageBytes; b++) out[dst + b] = frame[src + b] ^ pad[p + b];
      }
    }, true);
    return out;
  }
}
