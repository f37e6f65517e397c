/**
 * Test fixtures shared by the protocol tests: a connected pair of {@link MpcContext}s over the
 * in-memory channel, with OT extension set up in both directions and deterministic test seeds.
 *
 * @module
 */

import { memoryChannelPair } from "../party/memory_channel.ts";
import { Prg } from "../core/prg.ts";
import { setupOtEndpoints } from "../ot/mod.ts";
import type { MpcContext } from "../protocol/context.ts";

/** A 16-byte test seed derived from a small integer and a label (tests only). */
export function testSeed(seed: number, label: number): Uint8Array {
  const out = new Uint8Array(16);
  new DataView(out.buffer).setUint32(0, seed >>> 0, true);
  new DataView(out.buffer).setUint32(4, label >>> 0, true);
  out[15] = 0x7e; // marks a test seed
  return out;
}

/**
 * Two contexts joined by an in-memory channel, with base OTs done in both directions.
 * The same `seed` gives the same randomness on every run (tests only).
 */
export async function memoryContextPair(seed = 1): Promise<[MpcContext, MpcContext]> {
  const [channel0, channel1] = memoryChannelPair();
  const sessionId = testSeed(seed, 99);
  const prg0 = new Prg(testSeed(seed, 0));
  const prg1 = new Prg(testSeed(seed, 1));
  const [ot0, ot1] = await Promise.all([
    setupOtEndpoints(channel0, 0, prg0, sessionId),
    setupOtEndpoints(channel1, 1, prg1, sessionId),
  ]);
  const joint = testSeed(seed, 2);
  return [
    { role: 0, channel: channel0, prg: prg0, jointPrg: new Prg(joint), ot: ot0 },
    { role: 1, channel: channel1, prg: prg1, jointPrg: new Prg(joint), ot: ot1 },
  ];
}
