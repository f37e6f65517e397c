/**
 * Secure sign and less-than of Z_2^64-shared values: the millionaires' protocol of CrypTFlow2
 * (Rathee, Rathee, Kumar, Chandran, Gupta, Sharma, Rastogi, "CrypTFlow2: Practical 2-Party
 * Secure Inference", CCS 2020, Sec. 3.1) over 1-out-of-2^m OT built from m random OTs.
 *
 * Sign: with x = x0 + x1 mod 2^l and x' = x mod 2^(l-1), MSB(x) = MSB(x0) xor MSB(x1) xor
 * [x0' + x1' ≥ 2^(l-1)], and the carry is the millionaires' bit [a < b] for P0's
 * a = 2^(l-1) − 1 − x0' (the bitwise NOT of x0') and P1's b = x1'. With a bound |x| < 2^(l-1)
 * the low l bits of the shares share x mod 2^l, whose bit l−1 is the sign, so `bits` = l < 64
 * cuts the work in proportion.
 *
 * Millionaires': a and b (l − 1 bits) are cut into q = ceil((l−1)/m) digits of m bits. Per
 * digit, P0 (OT sender) builds the 2^m-entry table i ↦ ([a_j < i], [a_j = i]) xor (r_lt, r_eq)
 * and P1 (OT receiver) fetches entry b_j, so the parties hold XOR shares of lt_j and eq_j. The
 * 1-out-of-2^m OT uses one random OT per bit of b_j, with P1's digit bits as choices: entry i is
 * masked by the XOR over t of the 2-bit chunk number i of key k_t^{i_t}. A 128-bit key has 64
 * such chunks, so m ≤ 6. For i ≠ b_j some t has i_t ≠ b_t, whose key P1 lacks, and chunk i of
 * it is used by entry i alone: every other entry is one-time-padded. Digits combine in a
 * binary tree, lt = lt_hi xor (eq_hi AND lt_lo), eq = eq_hi AND eq_lo, one round per level;
 * both ANDs of a node share eq_hi, so one fan-out triple (protocol/bit_triples.ts) serves both.
 *
 * Cost per comparison (IKNP random OT = 16 bytes of traffic each), l' = l − 1, q digits:
 *   random OTs: l' (P1 → P0 direction of the leaf) + 2(q − 1) (triples, one each way)
 *   bytes: 16 (l' + 2(q − 1)) + 4 q·max(1, 2^(m−4)) (tables) + ≈ 3(q − 1)/4 (AND openings)
 *   rounds: 1 (OTs and tables) + ceil(log2 q) (the AND tree), per batch of up to `batch` values
 *   (see {@link comparisonRounds} for the exact per-party count).
 * With the default m = 5: l = 40 → q = 8, 53 OTs, ≈ 0.92 KB, 4 rounds; l = 64 → q = 13, 87 OTs,
 * ≈ 1.5 KB, 5 rounds. Measured (bench/compare.ts --digit-bits): m = 4 costs 959 B and one
 * more round at l = 40, m = 6 costs 932 B and ran within the noise of m = 5.
 *
 * The carry-lookahead alternative needs one OT per bit for the generate bits g = x0_i AND x1_i
 * and, even with fan-out triples (p_hi is shared by both ANDs of a prefix node), one triple (two
 * OTs) per node of the prefix tree: ≈ 3 l' OTs (117 at l = 40), over twice the traffic and
 * the OT-extension work of the digit-wise millionaires', so it is not used.
 *
 * Revealed: nothing. P1 sees only masked table entries, P0 only OT-extension traffic; the AND
 * openings are masked by fresh triples. Security: semi-honest, static; inherits the OT
 * extension's assumptions (AES / correlation-robust hash).
 *
 * @module
 */

import { COMPARISON_BATCH } from "../core/tuning.ts";
import { recvU32 } from "../party/channel.ts";
import type { RandomOtSenderOutput } from "../ot/types.ts";
import { andFanout, bitWords, type FanoutTriples, sliceTriples } from "./binary.ts";
import { fanoutTriplesFromOts } from "./bit_triples.ts";
import type { MpcContext } from "./context.ts";

/** Digit size m of the 1-out-of-2^m OTs unless overridden (measured best; see module doc). */
export const DEFAULT_DIGIT_BITS = 5;

/** Values compared per batch unless overridden: bounds memory (about 50 MB per party). */
export const DEFAULT_COMPARISON_BATCH: number = COMPARISON_BATCH;

/** Tuning knobs of {@link signBits} and {@link lessThan}. */
export interface ComparisonOptions {
  /** Digit size m in [1, 6] (default {@link DEFAULT_DIGIT_BITS}). */
  digitBits?: number;
  /** Values per batch, a positive multiple of 32 (default {@link DEFAULT_COMPARISON_BATCH}). */
  batch?: number;
}

/**
 * Rounds of one batch as counted by ChannelStats, the same for both parties: with
 * L = ceil(log2 q) AND-tree levels, 1 + L (the OT-extension frame, then one opening per level;
 * party 0's table frame and its first AND opening leave together, without waiting for the
 * peer). With a single digit (q = 1, no triples) it is 1. End to end a batch takes 1 + L round
 * trips plus one one-way flight.
 */
export function comparisonRounds(bits: number, digitBits = DEFAULT_DIGIT_BITS): number {
  checkBits(bits);
  const levels = Math.ceil(Math.log2(Math.ceil((bits - 1) / digitBits)));
  return 1 + levels;
}

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 2 || bits > 64) {
    throw new RangeError(`comparison bit bound ${bits} not an integer in [2, 64]`);
  }
}

function u32View(bytes: Uint8Array): Uint32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >>> 2);
}

/** Chunk masks: S[t] selects the 2-bit chunks i (of 16 per word) whose index bit t is 1. */
const CHUNK_SELECT = [0xcccccccc, 0xf0f0f0f0, 0xff00ff00, 0xffff0000];

/** table[a · words + u]: chunks i = 16u..16u+15 of ([a < i], [a = i] << 1). */
function plainTables(m: number, words: number): Uint32Array {
  const out = new Uint32Array((1 << m) * words);
  for (let a = 0; a < 1 << m; a++) {
    for (let i = 0; i < 1 << m; i++) {
      const chunk = (a < i ? 1 : 0) | (a === i ? 2 : 0);
      out[a * words + (i >>> 4)] |= chunk << ((i & 15) * 2);
    }
  }
  return out;
}

/** Bits [offset, offset + width) of the (≤ 64-bit) value lo | hi << 32; width ≤ 6. */
function digitOf(lo: number, hi: number, offset: number, width: number): number {
  const mask = (1 << width) - 1;
  if (offset >= 32) return (hi >>> (offset - 32)) & mask;
  if (offset + width <= 32) return (lo >>> offset) & mask;
  return ((lo >>> offset) | (hi << (32 - offset))) & mask;
}

/**
 * XOR shares of [x_i < 0] for shared values x (as signed l-bit integers; the caller promises
 * |x_i| < 2^(bits−1)). Returns a packed bit vector of x.length bits.
 */
export async function signBits(
  ctx: MpcContext,
  x: BigUint64Array,
  bits = 64,
  options: ComparisonOptions = {},
): Promise<Uint32Array> {
  checkBits(bits);
  const m = options.digitBits ?? DEFAULT_DIGIT_BITS;
  if (!Number.isInteger(m) || m < 1 || m > 6) throw new RangeError(`digitBits ${m} not in [1, 6]`);
  const batch = options.batch ?? DEFAULT_COMPARISON_BATCH;
  if (!Number.isInteger(batch) || batch < 32 || batch % 32 !== 0) {
    throw new RangeError(`comparison batch ${batch} is not a positive multiple of 32`);
  }
  const out = new Uint32Array(bitWords(x.length));
  for (let start = 0; start < x.length; start += batch) {
    const chunk = x.subarray(start, Math.min(x.length, start + batch));
    out.set(await signBatch(ctx, chunk, bits, m), start >>> 5);
  }
  return out;
}

/**
 * XOR shares of [x_i < y_i] for shared x, y, computed as the sign of x − y: the caller promises
 * |x_i − y_i| < 2^(bits−1) (e.g. both in [0, 2^(bits−1))).
 */
export async function lessThan(
  ctx: MpcContext,
  x: BigUint64Array,
  y: BigUint64Array,
  bits = 64,
  options: ComparisonOptions = {},
): Promise<Uint32Array> {
  if (x.length !== y.length) throw new RangeError(`lessThan: ${x.length} vs ${y.length} values`);
  const diff = new BigUint64Array(x.length);
  for (let i = 0; i < x.length; i++) diff[i] = x[i] - y[i];
  return await signBits(ctx, diff, bits, options);
}

/** One batch of {@link signBits}: a fixed number of rounds, whatever the batch size. */
async function signBatch(
  ctx: MpcContext,
  x: BigUint64Array,
  bits: number,
  m: number,
): Promise<Uint32Array> {
  const n = x.length;
  const width = bits - 1;
  const nWords = bitWords(n);
  const q = Math.ceil(width / m);
  const tableWords = m >= 5 ? 1 << (m - 4) : 1;
  const halves = new Uint32Array(x.buffer, x.byteOffset, 2 * n);
  // This party's millionaires' input (NOT x0' for P0, x1' for P1) and the share's top bit.
  const loMask = width >= 32 ? 0xffffffff : (1 << width) - 1;
  const hiMask = width > 32 ? 2 ** (width - 32) - 1 : 0;
  const flip = ctx.role === 0 ? 0xffffffff : 0;
  const inLo = new Uint32Array(n);
  const inHi = new Uint32Array(n);
  const msb = new Uint32Array(nWords);
  for (let i = 0; i < n; i++) {
    const lo = halves[2 * i];
    const hi = halves[2 * i + 1];
    inLo[i] = (lo ^ flip) & loMask;
    inHi[i] = (hi ^ flip) & hiMask;
    const top = width < 32 ? (lo >>> width) & 1 : (hi >>> (width - 32)) & 1;
    msb[i >>> 5] |= top << (i & 31);
  }

  const leafOts = Math.ceil((n * width) / 32) * 32;
  const tripleWords = (q - 1) * nWords;
  const countA = leafOts + tripleWords * 32; // P0 sender, P1 receiver
  const countB = tripleWords * 32; // P1 sender, P0 receiver
  let triples: FanoutTriples | null = null;
  const lt = new Uint32Array(q * nWords);
  const eq = new Uint32Array(q * nWords);
  const plain = plainTables(m, tableWords);

  // Both parties run their OT-receiver half first. This departs from the context ordering rule
  // on purpose and safely: an IKNP receiver only sends (its u matrix), so the two directions
  // cannot cross, and the two u matrices are computed at the same time on the two machines.
  if (ctx.role === 0) {
    const received = countB > 0 ? await ctx.ot.receiver.randomOt(countB) : null;
    const sent = await ctx.ot.sender.randomOt(countA);
    if (received !== null) {
      triples = fanoutTriplesFromOts(tripleWords, 2, sent, leafOts, received, 0);
    }
    // P0's shares of lt_j, eq_j are its random pads r_lt, r_eq.
    ctx.prg.fill(new Uint8Array(lt.buffer));
    ctx.prg.fill(new Uint8Array(eq.buffer));
    const k0 = u32View(sent.m0);
    const k1 = u32View(sent.m1);
    const tables = new Uint32Array(n * q * tableWords);
    for (let i = 0; i < n; i++) {
      const lo = inLo[i];
      const hi = inHi[i];
      const bitWord = i >>> 5;
      const bitShift = i & 31;
      for (let j = 0; j < q; j++) {
        const dw = Math.min(m, width - j * m);
        const a = digitOf(lo, hi, j * m, dw);
        const rLt = (lt[j * nWords + bitWord] >>> bitShift) & 1;
        const rEq = (eq[j * nWords + bitWord] >>> bitShift) & 1;
        const pad = (rLt ? 0x55555555 : 0) ^ (rEq ? 0xaaaaaaaa : 0);
        const otBase = (i * width + j * m) * 4;
        const entries = 1 << dw; // entries beyond 2^dw are never fetched: they carry plaintext 0
        for (let u = 0; u < tableWords; u++) {
          const valid = Math.max(0, Math.min(16, entries - 16 * u));
          const validMask = valid === 16 ? 0xffffffff : (1 << (2 * valid)) - 1;
          let word = (plain[a * tableWords + u] ^ pad) & validMask;
          for (let t = 0; t < dw; t++) {
            const idx = otBase + t * 4 + u;
            if (t < 4) {
              const s = CHUNK_SELECT[t];
              word ^= (k0[idx] & ~s) | (k1[idx] & s);
            } else {
              word ^= ((u >>> (t - 4)) & 1) ? k1[idx] : k0[idx];
            }
          }
          tables[(i * q + j) * tableWords + u] = word;
        }
      }
    }
    ctx.channel.send(new Uint8Array(tables.buffer));
    await ctx.channel.flush();
  } else {
    const choices = new Uint8Array(countA / 8);
    const choiceWords = new Uint32Array(choices.buffer);
    for (let i = 0; i < n; i++) {
      // Append the `width` input bits of value i at bit offset i · width.
      let offset = i * width;
      const parts = width > 32 ? 2 : 1;
      for (let p = 0; p < parts; p++) {
        const value = p === 0 ? inLo[i] : inHi[i];
        const partBits = p === 0 ? Math.min(width, 32) : width - 32;
        const w = offset >>> 5;
        const s = offset & 31;
        choiceWords[w] |= value << s;
        if (s !== 0 && s + partBits > 32) choiceWords[w + 1] |= value >>> (32 - s);
        offset += partBits;
      }
    }
    ctx.prg.fill(choices.subarray(leafOts / 8));
    const received = await ctx.ot.receiver.randomOt(countA, choices);
    if (countB > 0) {
      const sent: RandomOtSenderOutput = await ctx.ot.sender.randomOt(countB);
      triples = fanoutTriplesFromOts(tripleWords, 2, sent, 0, received, leafOts);
    }
    const tables = await recvU32(ctx.channel, n * q * tableWords, "comparison tables");
    const keys = u32View(received.messages);
    for (let i = 0; i < n; i++) {
      const lo = inLo[i];
      const hi = inHi[i];
      const bitWord = i >>> 5;
      const bitShift = i & 31;
      for (let j = 0; j < q; j++) {
        const dw = Math.min(m, width - j * m);
        const b = digitOf(lo, hi, j * m, dw);
        const u = b >>> 4;
        const otBase = (i * width + j * m) * 4 + u;
        let word = tables[(i * q + j) * tableWords + u];
        for (let t = 0; t < dw; t++) word ^= keys[otBase + t * 4];
        const chunk = (word >>> ((b & 15) * 2)) & 3;
        lt[j * nWords + bitWord] |= (chunk & 1) << bitShift;
        eq[j * nWords + bitWord] |= (chunk >>> 1) << bitShift;
      }
    }
  }

  // Combine digits, most significant first, pairwise per level: one AND round per level.
  let nodes: { lt: Uint32Array; eq: Uint32Array }[] = [];
  for (let j = q - 1; j >= 0; j--) {
    nodes.push({
      lt: lt.subarray(j * nWords, (j + 1) * nWords),
      eq: eq.subarray(j * nWords, (j + 1) * nWords),
    });
  }
  let tripleOffset = 0;
  while (nodes.length > 1) {
    const pairs = nodes.length >>> 1;
    const root = nodes.length === 2; // the root needs no eq
    const eqHi = new Uint32Array(pairs * nWords);
    const ltLo = new Uint32Array(pairs * nWords);
    const eqLo = new Uint32Array(root ? 0 : pairs * nWords);
    for (let p = 0; p < pairs; p++) {
      eqHi.set(nodes[2 * p].eq, p * nWords);
      ltLo.set(nodes[2 * p + 1].lt, p * nWords);
      if (!root) eqLo.set(nodes[2 * p + 1].eq, p * nWords);
    }
    const gateWords = pairs * nWords;
    const z = await andFanout(
      ctx,
      eqHi,
      root ? [ltLo] : [ltLo, eqLo],
      sliceTriples(triples!, tripleOffset, gateWords),
    );
    tripleOffset += gateWords;
    const next: { lt: Uint32Array; eq: Uint32Array }[] = [];
    for (let p = 0; p < pairs; p++) {
      const hiLt = nodes[2 * p].lt;
      const combined = new Uint32Array(nWords);
      for (let w = 0; w < nWords; w++) combined[w] = hiLt[w] ^ z[0][p * nWords + w];
      next.push({
        lt: combined,
        eq: root ? combined : z[1].subarray(p * nWords, (p + 1) * nWords),
      });
    }
    if (nodes.length % 2 === 1) next.push(nodes[nodes.length - 1]);
    nodes = next;
  }
  const result = nodes[0].lt;
  for (let w = 0; w < nWords; w++) result[w] ^= msb[w];
  return result;
}
