/**
 * TEST-ONLY ideal OT functionality for the comparison tests, used for early testing while the
 * real OT extension (ot/mod.ts) is not available. It is NOT secure: the sender ships both
 * messages (or its m0 and correlations) in the clear and the receiver picks. Only `randomOt`
 * and `correlatedOtRing` are implemented.
 *
 * @module
 */

import { type Channel, recvBytes, recvU64, sendTyped } from "../party/channel.ts";
import { memoryChannelPair } from "../party/memory_channel.ts";
import { Prg } from "../party/prg.ts";
import type { OtEndpoints, OtWidths } from "../ot/types.ts";
import type { MpcContext } from "../protocol/context.ts";

/** A 16-byte test seed (same derivation as tests/support.ts, which needs ot/mod.ts). */
function testSeed(seed: number, label: number): Uint8Array {
  const out = new Uint8Array(16);
  new DataView(out.buffer).setUint32(0, seed >>> 0, true);
  new DataView(out.buffer).setUint32(4, label >>> 0, true);
  out[15] = 0x7e;
  return out;
}

const unsupported = (): never => {
  throw new Error("ideal test OT: method not implemented");
};

function widthOf(widths: OtWidths, i: number): number {
  return typeof widths === "number" ? widths : widths[i];
}

/** Ideal (insecure, test-only) OT endpoints over `channel`. */
export function idealOtEndpoints(channel: Channel, prg: Prg): OtEndpoints {
  return {
    sender: {
      delta: new Uint8Array(16),
      correlatedOt: unsupported,
      chosenOt: unsupported,
      async randomOt(count) {
        const m0 = prg.bytes(count * 16);
        const m1 = prg.bytes(count * 16);
        sendTyped(channel, m0);
        sendTyped(channel, m1);
        await channel.flush();
        return { m0, m1 };
      },
      async correlatedOtRing(correlations, vectorLength, widths) {
        const m0 = prg.ring(correlations.length);
        for (let i = 0; i < m0.length; i++) {
          m0[i] = BigInt.asUintN(widthOf(widths, Math.floor(i / vectorLength)), m0[i]);
        }
        sendTyped(channel, m0);
        sendTyped(channel, correlations);
        await channel.flush();
        return m0;
      },
    },
    receiver: {
      correlatedOt: unsupported,
      chosenOt: unsupported,
      async randomOt(count, choices) {
        const c = choices ?? prg.bytes(Math.ceil(count / 8));
        const m0 = await recvBytes(channel, count * 16, "ideal m0");
        const m1 = await recvBytes(channel, count * 16, "ideal m1");
        const messages = new Uint8Array(count * 16);
        for (let i = 0; i < count; i++) {
          const src = (c[i >> 3] >> (i & 7)) & 1 ? m1 : m0;
          messages.set(src.subarray(i * 16, i * 16 + 16), i * 16);
        }
        return { choices: c, messages };
      },
      async correlatedOtRing(count, vectorLength, widths, choices) {
        const c = choices ?? prg.bytes(Math.ceil(count / 8));
        const m0 = await recvU64(channel, count * vectorLength, "ideal m0");
        const x = await recvU64(channel, count * vectorLength, "ideal correlations");
        const values = new BigUint64Array(count * vectorLength);
        for (let i = 0; i < count; i++) {
          const bit = (c[i >> 3] >> (i & 7)) & 1;
          const w = widthOf(widths, i);
          for (let v = 0; v < vectorLength; v++) {
            const k = i * vectorLength + v;
            values[k] = BigInt.asUintN(w, m0[k] + (bit ? x[k] : 0n));
          }
        }
        return { choices: c, values };
      },
    },
  };
}

/** Two contexts over an in-memory channel with the ideal OT (tests only). */
export function idealContextPair(seed = 1): [MpcContext, MpcContext] {
  const [channel0, channel1] = memoryChannelPair();
  const prg0 = new Prg(testSeed(seed, 0));
  const prg1 = new Prg(testSeed(seed, 1));
  const joint = testSeed(seed, 2);
  return [
    {
      role: 0,
      channel: channel0,
      prg: prg0,
      jointPrg: new Prg(joint),
      ot: idealOtEndpoints(channel0, prg0),
    },
    {
      role: 1,
      channel: channel1,
      prg: prg1,
      jointPrg: new Prg(joint),
      ot: idealOtEndpoints(channel1, prg1),
    },
  ];
}
