/**
 * Binary (XOR) secret sharing, bit-sliced into 32-bit words, and batched AND gates.
 *
 * A shared bit vector <b> of n bits is a `Uint32Array` of ceil(n / 32) words per party: bit i is
 * `(words[i >>> 5] >>> (i & 31)) & 1`, and b_i = share0_i xor share1_i. This is the same
 * LSB-first packing as the OT choice bits of ot/types.ts on little-endian hosts, so a bit
 * vector can be handed to an OT as choices without repacking. Bits beyond n in the last word
 * are padding: protocols ignore them.
 *
 * XOR and NOT are local. AND uses Beaver's trick for bits with "fan-out" triples (a, b_k,
 * c_k = a · b_k), generated in protocol/bit_triples.ts: open d = x xor a and e_k = y_k xor b_k,
 * then z_k = c_k xor d·b_k xor e_k·a xor d·e_k (the last term by party 0 only). A whole
 * circuit layer is one call: one frame each way, one round.
 *
 * Local helpers pack, unpack, slice and concatenate bit vectors; {@link openBits} and
 * {@link openBitsTo} open vectors to both parties or each to one party.
 *
 * Security (semi-honest): d and e_k are masked by one-time uniformly random triple bits, so the
 * opened values reveal nothing; each triple word is used exactly once. The open functions
 * reveal exactly the vectors the caller names, to the parties it names.
 *
 * @module
 */

import { type Channel, recvU32 } from "../party/channel.ts";
import type { MpcContext, Role } from "./context.ts";

/** Words needed for `bits` packed bits. */
export function bitWords(bits: number): number {
  return (bits + 31) >>> 5;
}

/** Bit i of a packed vector. */
export function getBit(words: Uint32Array, i: number): number {
  return (words[i >>> 5] >>> (i & 31)) & 1;
}

/** a xor b elementwise (local; XOR of shares is a share of the XOR). */
export function xorBits(a: Uint32Array, b: Uint32Array, out?: Uint32Array): Uint32Array {
  if (a.length !== b.length) throw new RangeError(`xorBits: ${a.length} vs ${b.length} words`);
  const o = out ?? new Uint32Array(a.length);
  for (let w = 0; w < a.length; w++) o[w] = a[w] ^ b[w];
  return o;
}

/** NOT of a shared vector (local): party 0 flips its share, party 1 keeps it. */
export function notBits(role: Role, a: Uint32Array, out?: Uint32Array): Uint32Array {
  const o = out ?? new Uint32Array(a.length);
  if (role === 0) { for (let w = 0; w < a.length; w++) o[w] = ~a[w]; }
  else o.set(a);
  return o;
}

/**
 * Fan-out bit triples: `count` = 32 · words triples, each with one factor a and `fanout`
 * factors b_k, with c_k = a AND b_k. Layout: a[w] holds triples 32w..32w+31; b and c are
 * word-interleaved, b[w · fanout + k] holds factor k of the same 32 triples, so a contiguous
 * word range of triples is a contiguous subarray of a, b and c.
 */
export interface FanoutTriples {
  /** Words of triples (32 triples per word). */
  readonly words: number;
  /** Number of b/c factors per triple (1 for plain AND triples). */
  readonly fanout: number;
  /** This party's share of a: `words` words. */
  readonly a: Uint32Array;
  /** This party's share of every b_k: words × fanout words, interleaved. */
  readonly b: Uint32Array;
  /** This party's share of every c_k = a AND b_k: words × fanout words, interleaved. */
  readonly c: Uint32Array;
}

/** The triples of word range [offset, offset + words) as subarray views (no copy). */
export function sliceTriples(t: FanoutTriples, offset: number, words: number): FanoutTriples {
  if (offset < 0 || offset + words > t.words) {
    throw new RangeError(`triple slice [${offset}, ${offset + words}) outside ${t.words} words`);
  }
  const f = t.fanout;
  return {
    words,
    fanout: f,
    a: t.a.subarray(offset, offset + words),
    b: t.b.subarray(offset * f, (offset + words) * f),
    c: t.c.subarray(offset * f, (offset + words) * f),
  };
}

/**
 * Sends one frame of words (a copy: the channel owns frames) and receives the peer's frame of
 * `expectWords` words (by default the same length).
 */
async function exchangeWords(
  channel: Channel,
  mine: Uint32Array,
  what: string,
  expectWords = mine.length,
): Promise<Uint32Array> {
  channel.send(new Uint8Array(mine.buffer, mine.byteOffset, mine.byteLength).slice());
  await channel.flush();
  return await recvU32(channel, expectWords, what);
}

/**
 * Batched AND with a shared factor: z_k = x AND ys[k] for every k, all in one round.
 *
 * `x` and every `ys[k]` are shared vectors of the same word length W; `triples` must hold at
 * least W words with fanout ≥ ys.length (surplus fanout is left unused). Returns one vector per
 * factor. Plain AND gates are the case ys.length = 1.
 */
export async function andFanout(
  ctx: MpcContext,
  x: Uint32Array,
  ys: readonly Uint32Array[],
  triples: FanoutTriples,
): Promise<Uint32Array[]> {
  const words = x.length;
  const k = ys.length;
  const f = triples.fanout;
  if (k > f) throw new RangeError(`andFanout: ${k} factors but triples have fanout ${f}`);
  if (triples.words < words) {
    throw new RangeError(`andFanout: ${words} words of gates but only ${triples.words} of triples`);
  }
  for (const y of ys) {
    if (y.length !== words) throw new RangeError(`andFanout: factor has ${y.length} words`);
  }
  const { a, b, c } = triples;
  // Frame layout: d (W words) then e_0..e_{k-1} (W words each).
  const masked = new Uint32Array(words * (k + 1));
  for (let w = 0; w < words; w++) masked[w] = x[w] ^ a[w];
  for (let j = 0; j < k; j++) {
    const y = ys[j];
    const base = words * (j + 1);
    for (let w = 0; w < words; w++) masked[base + w] = y[w] ^ b[w * f + j];
  }
  const peer = await exchangeWords(ctx.channel, masked, "AND openings");
  const own = ctx.role === 0;
  const out: Uint32Array[] = [];
  for (let j = 0; j < k; j++) {
    const z = new Uint32Array(words);
    const base = words * (j + 1);
    for (let w = 0; w < words; w++) {
      const d = masked[w] ^ peer[w];
      const e = masked[base + w] ^ peer[base + w];
      let v = c[w * f + j] ^ (d & b[w * f + j]) ^ (e & a[w]);
      if (own) v ^= d & e;
      z[w] = v;
    }
    out.push(z);
  }
  return out;
}

/** Plain batched AND z = x AND y (one round), using fanout-1 (or wider) triples. */
export async function andBits(
  ctx: MpcContext,
  x: Uint32Array,
  y: Uint32Array,
  triples: FanoutTriples,
): Promise<Uint32Array> {
  const [z] = await andFanout(ctx, x, [y], triples);
  return z;
}

/**
 * Opens a shared bit vector to both parties (one round). Only for values that the protocol
 * is allowed to reveal, and for tests.
 */
export async function openBits(ctx: MpcContext, share: Uint32Array): Promise<Uint32Array> {
  const peer = await exchangeWords(ctx.channel, share, "opened bits");
  return xorBits(share, peer);
}

/** Packs 0/1 bytes into a bit vector (LSB-first words). */
export function packBits(values: Uint8Array): Uint32Array {
  const out = new Uint32Array(bitWords(values.length));
  for (let i = 0; i < values.length; i++) out[i >>> 5] |= (values[i] & 1) << (i & 31);
  return out;
}

/** The first `count` bits of a packed vector as 0/1 bytes. */
export function unpackBits(words: Uint32Array, count: number): Uint8Array {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = (words[i >>> 5] >>> (i & 31)) & 1;
  return out;
}

/** Bits [start, start + count) of a packed vector, as a new packed vector (padding cleared). */
export function sliceBits(words: Uint32Array, start: number, count: number): Uint32Array {
  if (start < 0 || count < 0 || (start + count) > words.length * 32) {
    throw new RangeError(`bit slice [${start}, ${start + count}) outside ${words.length} words`);
  }
  const out = new Uint32Array(bitWords(count));
  if (start % 32 === 0) {
    out.set(words.subarray(start >>> 5, (start >>> 5) + out.length));
    const tail = count & 31;
    if (tail !== 0) out[out.length - 1] &= (1 << tail) - 1;
    return out;
  }
  for (let i = 0; i < count; i++) {
    const j = start + i;
    out[i >>> 5] |= ((words[j >>> 5] >>> (j & 31)) & 1) << (i & 31);
  }
  return out;
}

/** The concatenation of packed vectors `parts[i]` of `counts[i]` bits (a new packed vector). */
export function concatBits(parts: readonly Uint32Array[], counts: readonly number[]): Uint32Array {
  if (parts.length !== counts.length) throw new RangeError("concatBits: one count per part");
  const total = counts.reduce((sum, c) => sum + c, 0);
  const out = new Uint32Array(bitWords(total));
  let offset = 0;
  parts.forEach((part, p) => {
    const count = counts[p];
    if (part.length * 32 < count) throw new RangeError(`concatBits: part ${p} too short`);
    if (offset % 32 === 0) {
      out.set(sliceBits(part, 0, count), offset >>> 5);
    } else {
      for (let i = 0; i < count; i++) {
        const j = offset + i;
        out[j >>> 5] |= ((part[i >>> 5] >>> (i & 31)) & 1) << (j & 31);
      }
    }
    offset += count;
  });
  return out;
}

/**
 * Opens `forParty0` (count0 bits) to party 0 only and `forParty1` (count1 bits) to party 1
 * only, in one round: each party sends its share of the vector meant for the peer and learns
 * nothing about the other vector. Returns this party's opened bits as 0/1 bytes.
 */
export async function openBitsTo(
  ctx: MpcContext,
  forParty0: Uint32Array,
  forParty1: Uint32Array,
  count0: number,
  count1: number,
): Promise<Uint8Array> {
  const mine = ctx.role === 0 ? forParty0 : forParty1;
  const theirs = ctx.role === 0 ? forParty1 : forParty0;
  const theirCount = ctx.role === 0 ? count1 : count0;
  const count = ctx.role === 0 ? count0 : count1;
  if (mine.length < bitWords(count) || theirs.length < bitWords(theirCount)) {
    throw new RangeError("openBitsTo: bit vector shorter than its count");
  }
  const peer = await exchangeWords(
    ctx.channel,
    theirs.subarray(0, bitWords(theirCount)),
    "opened bits",
    bitWords(count),
  );
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = ((mine[i >>> 5] ^ peer[i >>> 5]) >>> (i & 31)) & 1;
  }
  return out;
}
