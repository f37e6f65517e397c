/**
 * Small helpers on packed XOR-shared bit vectors (the layout of protocol/binary.ts): cutting a
 * bit range out of a vector, and opening two vectors each to one party in a single round.
 *
 * Security: {@link openBitsTo} reveals vector p to party p only — the peer sends its share and
 * learns nothing; the received frame's length is checked.
 *
 * @module
 */

import { recvU32 } from "../party/channel.ts";
import { bitWords } from "../protocol/binary.ts";
import type { MpcContext } from "../protocol/context.ts";

/** Bits [start, start + count) of a packed vector, as a new packed vector. */
export function sliceBits(words: Uint32Array, start: number, count: number): Uint32Array {
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

/**
 * Opens `forParty0` (count0 bits) to party 0 and `forParty1` (count1 bits) to party 1 in one
 * round; returns this party's opened bits as 0/1 bytes.
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
  const count = ctx.role === 0 ? count0 : count1;
  const words = bitWords(count);
  ctx.channel.send(new Uint8Array(theirs.slice().buffer));
  await ctx.channel.flush();
  const peer = await recvU32(ctx.channel, words, "opened label bits");
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = ((mine[i >>> 5] ^ peer[i >>> 5]) >>> (i & 31)) & 1;
  }
  return out;
}
