/**
 * The IKNP extension receiver (the base-OT sender): see ot/iknp.ts for the protocol, its
 * security assumptions and what crosses the wire.
 *
 * The file stays whole although it is about 400 lines: every OT kind below drives the same
 * private chunk pipeline (#extend, #chunks, #answeredChunks and the KOS15 hold), and the
 * per-kind arithmetic already lives in ring_arith.ts and kos_check.ts. Splitting further
 * would turn that private state into a module-internal API.
 *
 * @module
 */

import { type Channel } from "../party/channel.ts";
import { setImmediate } from "node:timers";
import { Prg } from "../core/prg.ts";
import { checkCount } from "../core/validate.ts";
import { RowExpander } from "./row_prg.ts";
import type {
  OtExtensionReceiver,
  OtWidths,
  RandomOtReceiverOutput,
  RingCotReceiverOutput,
} from "./types.ts";
import { fillTweaks, TccrHash } from "./tccr_hash.ts";
import { MatrixTransposer } from "./transpose_wasm.ts";
import {
  foldReceiverChunk,
  FoldState,
  halves,
  packScalarBits,
  ringReceiverChunk,
} from "./ring_arith.ts";
import {
  CHALLENGE_SEED_BYTES,
  checkedColumns,
  ColumnHasher,
  receiverCheckResponse,
} from "./kos_check.ts";
import {
  checkLength,
  correctionBits,
  foldBits,
  foldCorrectionBits,
  gilboaFoldReceiver,
  validateWidths,
} from "./ring_correlation.ts";
import {
  ANSWER_LOOKAHEAD,
  chunkSize,
  chunkSizes,
  handled,
  hashRows,
  IknpOptions,
  KAPPA,
  paddedColumns,
  ReceiverChunkHandler,
  recvFrame,
  rowWords,
  u32,
  vectorChunk,
} from "./iknp_shared.ts";

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
   * The receiver side of IKNP over `channel`, keyed by the base OTs in which it was the sender.
   *
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
    checkCount(count, "OT count");
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
    checkCount(count, "OT count");
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
    checkLength(vectorLength, "vectorLength");
    const bits = this.#choices(count, choices);
    validateWidths(widths, count);
    const values = new BigUint64Array(count * vectorLength);
    const values32 = halves(values);
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

  /** Mirror of {@link IknpSender.gilboaFold}: the same split into generic and fused paths. */
  async gilboaFold(
    scalars: BigUint64Array,
    vectorLength: number,
    shift: number,
  ): Promise<BigUint64Array> {
    const bits = foldBits(shift);
    checkLength(vectorLength, "vectorLength");
    if (vectorLength !== 1) return await gilboaFoldReceiver(this, scalars, vectorLength, shift);
    const count = scalars.length * bits;
    const choices = packScalarBits(halves(scalars), scalars.length, bits);
    const result = new BigUint64Array(scalars.length);
    const result32 = halves(result);
    const state = new FoldState(bits, false);
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
    checkLength(messageBytes, "messageBytes");
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
