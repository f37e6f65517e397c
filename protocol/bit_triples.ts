/**
 * Bit (AND) triples from random OT, one OT per triple in each direction, with "fan-out": one
 * random OT yields up to 128 triples that share the factor a, at no extra cost.
 *
 * Construction (docs/PROTOCOLS.md, "Binary side"; the fan-out is the correlated-triple idea of
 * CrypTFlow2, Rathee et al., CCS 2020, realised with random OT): in a random OT with sender
 * messages (m0, m1) and receiver choice r, m0 xor m_r = r · (m0 xor m1) bitwise. Take
 * b_k := bit k of m0 xor m1 on the sender and a := r on the receiver: bit k of m0 and of m_r
 * are XOR shares of a · b_k. With one OT in each direction (party p receiver with a_p, sender
 * with b_{k,p}), c_k = a_0 b_{k,0} xor a_1 b_{k,1} xor (two cross terms) = (a_0 xor a_1)(b_{k,0}
 * xor b_{k,1}).
 *
 * Security: semi-honest; relies on the OT extension's random-OT security (the receiver learns
 * nothing of m_{1-r}, the sender nothing of r). Different bits of one OT message are used for
 * different triples: m_{1-r} is uniformly random to the receiver as a whole, so its bits are
 * independent one-time pads. Every triple must be consumed at most once.
 *
 * Cost: one random OT each way per triple, whatever the fan-out (≤ 128): with IKNP that is
 * 2 × 16 bytes of traffic per triple, and one round trip per direction.
 *
 * @module
 */

import type { RandomOtReceiverOutput, RandomOtSenderOutput } from "../ot/types.ts";
import type { FanoutTriples } from "./binary.ts";
import type { MpcContext } from "./context.ts";

/** Largest fan-out one random OT (a 128-bit message) can carry. */
export const MAX_FANOUT = 128;

function checkFanout(fanout: number): void {
  if (!Number.isInteger(fanout) || fanout < 1 || fanout > MAX_FANOUT) {
    throw new RangeError(`triple fan-out ${fanout} not an integer in [1, ${MAX_FANOUT}]`);
  }
}

/**
 * Derives `words` × 32 fan-out triples from random OTs this party already ran: as sender
 * (OT indices [sentOffset, sentOffset + 32·words) of `sent`) and as receiver (indices from
 * `receivedOffset` of `received`). The peer must pass its mirror-image outputs. Offsets are OT
 * indices; `receivedOffset` must be a multiple of 8 (choice bits are byte-packed).
 */
export function fanoutTriplesFromOts(
  words: number,
  fanout: number,
  sent: RandomOtSenderOutput,
  sentOffset: number,
  received: RandomOtReceiverOutput,
  receivedOffset: number,
): FanoutTriples {
  checkFanout(fanout);
  if (receivedOffset % 8 !== 0) throw new RangeError("receivedOffset must be a multiple of 8");
  const count = words * 32;
  if (
    (sentOffset + count) * 16 > sent.m0.length ||
    (receivedOffset + count) * 16 > received.messages.length
  ) {
    throw new RangeError(`not enough random OTs for ${count} triples`);
  }
  const a = new Uint32Array(words);
  const b = new Uint32Array(words * fanout);
  const c = new Uint32Array(words * fanout);
  const { m0, m1 } = sent;
  const { messages, choices } = received;
  const choiceBase = receivedOffset >>> 3;
  for (let w = 0; w < words; w++) {
    const aWord = choices[choiceBase + 4 * w] | (choices[choiceBase + 4 * w + 1] << 8) |
      (choices[choiceBase + 4 * w + 2] << 16) | (choices[choiceBase + 4 * w + 3] << 24);
    a[w] = aWord;
    for (let k = 0; k < fanout; k++) {
      const byte = k >>> 3;
      const shift = k & 7;
      let bWord = 0;
      let crossWord = 0;
      for (let j = 0; j < 32; j++) {
        const s = (sentOffset + w * 32 + j) * 16 + byte;
        const r = (receivedOffset + w * 32 + j) * 16 + byte;
        const zero = (m0[s] >>> shift) & 1;
        bWord |= (zero ^ ((m1[s] >>> shift) & 1)) << j;
        crossWord |= (zero ^ ((messages[r] >>> shift) & 1)) << j;
      }
      b[w * fanout + k] = bWord;
      c[w * fanout + k] = (aWord & bWord) ^ crossWord;
    }
  }
  return { words, fanout, a, b, c };
}

/**
 * Generates `words` × 32 fan-out triples (one round trip of OT extension per direction; party 0
 * acts as OT sender first, per the context ordering rule).
 */
export async function generateFanoutTriples(
  ctx: MpcContext,
  words: number,
  fanout = 1,
): Promise<FanoutTriples> {
  checkFanout(fanout);
  const count = words * 32;
  let sent: RandomOtSenderOutput;
  let received: RandomOtReceiverOutput;
  if (ctx.role === 0) {
    sent = await ctx.ot.sender.randomOt(count);
    received = await ctx.ot.receiver.randomOt(count);
  } else {
    received = await ctx.ot.receiver.randomOt(count);
    sent = await ctx.ot.sender.randomOt(count);
  }
  return fanoutTriplesFromOts(words, fanout, sent, 0, received, 0);
}
