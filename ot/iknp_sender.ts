/**
 * The IKNP extension sender (the base-OT receiver): see ot/iknp.ts for the protocol, its
 * security assumptions and what crosses the wire.
 *
 * @module
 */

import { type Channel } from "../party/channel.ts";
import { Prg, randomSeed } from "../core/prg.ts";
import { checkCount } from "../core/validate.ts";
import { RowExpander } from "./row_prg.ts";
import type { OtExtensionSender, OtWidths, RandomOtSenderOutput } from "./types.ts";
import { fillTweaks, TccrHash } from "./tccr_hash.ts";
import { MatrixTransposer } from "./transpose_wasm.ts";
import { foldSenderChunk, FoldState, halves, ringSenderChunk } from "./ring_arith.ts";
import {
  CHALLENGE_SEED_BYTES,
  CHECK_RESPONSE_BYTES,
  checkedColumns,
  ColumnHasher,
  OtCheckError,
  senderCheckSums,
  verifyCheckResponse,
} from "./kos_check.ts";
import {
  correctionBits,
  foldBits,
  gilboaFoldSender,
  validateWidths,
  vectorCount,
} from "./ring_correlation.ts";
import {
  bytesOf,
  chunkSize,
  chunkSizes,
  handled,
  hashRows,
  IknpOptions,
  KAPPA,
  paddedColumns,
  recvFrame,
  rowWords,
  Scratch,
  SenderChunkHandler,
  u32,
  vectorChunk,
  xorDelta,
} from "./iknp_shared.ts";

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
   * The sender side of IKNP over `channel`, keyed by the base OTs in which it was the receiver.
   *
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
    checkCount(count, "OT count");
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
    checkCount(count, "OT count");
    const m0 = new Uint8Array(count * 16);
    const m1 = new Uint8Array(count * 16);
    await this.randomOtStream(count, (offset, c0, c1) => {
      m0.set(c0, offset * 16);
      m1.set(c1, offset * 16);
    });
    return { m0, m1 };
  }

  async correlatedOt(count: number): Promise<Uint8Array> {
    checkCount(count, "OT count");
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
    const count = vectorCount(correlations.length, vectorLength, "vectorLength");
    validateWidths(widths, count);
    const out = new BigUint64Array(count * vectorLength);
    const out32 = halves(out);
    const corr32 = halves(correlations);
    const blocksPerOt = Math.ceil(vectorLength / 2);
    const maxChunk = vectorChunk(this.#ringChunk, blocksPerOt * 32);
    let inFlight: Promise<void> = Promise.resolve();
    await this.#chunks(count, maxChunk, async (offset, n, rows, firstIndex) => {
      const [pad0, pad1] = this.#senderPads(rows, n, blocksPerOt, firstIndex);
      const start = offset * vectorLength * 2;
      const bitCount = correctionBits(widths, offset, n, vectorLength);
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
        bitCount,
      );
      // At most one correction frame queued besides this one (bounded memory); not waiting
      // for this write lets the next u matrix be received and processed meanwhile.
      await inFlight;
      this.#channel.send(new Uint8Array(packed.buffer, 0, Math.ceil(bitCount / 8)));
      inFlight = handled(this.#channel.flush());
    }, true);
    await inFlight;
    return out;
  }

  /**
   * Vectors (L > 1) take the generic fold over {@link correlatedOtRing}. Scalars (L = 1) are
   * folded inside one pipelined OT stream: the same messages as that path, each OT's value
   * summed into its scalar's share as the chunk is hashed, without per-OT message arrays.
   */
  async gilboaFold(
    vectors: BigUint64Array,
    vectorLength: number,
    shift: number,
  ): Promise<BigUint64Array> {
    const bits = foldBits(shift);
    vectorCount(vectors.length, vectorLength, "vectorLength");
    if (vectorLength !== 1) return await gilboaFoldSender(this, vectors, vectorLength, shift);
    const result = new BigUint64Array(vectors.length);
    const result32 = halves(result);
    const x32 = halves(vectors);
    const state = new FoldState(bits, true);
    let inFlight: Promise<void> = Promise.resolve();
    await this.#chunks(
      vectors.length * bits,
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
    if (m0.length !== m1.length) throw new RangeError("chosenOt: m0 and m1 differ in length");
    const count = vectorCount(m0.length, messageBytes, "messageBytes");
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
