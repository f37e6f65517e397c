/** Chou–Orlandi base OT: key relations, rejection of malformed peer points, setup flights. */

import assert from "node:assert/strict";
import { ristretto255 } from "@noble/curves/ed25519.js";
import { memoryChannelPair } from "../party/memory_channel.ts";
import { Prg } from "../core/prg.ts";
import {
  BaseOtError,
  baseOtReceive,
  baseOtSenderFinish,
  baseOtSenderStart,
  decodePeerPoint,
  setupOtEndpoints,
} from "../ot/mod.ts";
import { testSeed } from "../testing/mpc_pair.ts";

const SID = testSeed(7, 99);

function key(keys: Uint8Array, i: number): Uint8Array {
  return keys.subarray(i * 16, i * 16 + 16);
}

Deno.test("base OT: receiver key equals the sender key of its choice only", () => {
  const count = 128;
  const senderPrg = new Prg(testSeed(1, 0));
  const receiverPrg = new Prg(testSeed(1, 1));
  const choices = new Prg(testSeed(1, 2)).bytes(count / 8);
  const state = baseOtSenderStart(senderPrg);
  const received = baseOtReceive(receiverPrg, SID, 0, state.message, choices, count);
  const { keys0, keys1 } = baseOtSenderFinish(state, SID, 0, received.message, count);
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const c = (choices[i >> 3] >> (i & 7)) & 1;
    assert.deepEqual(key(received.keys, i), key(c ? keys1 : keys0, i));
    assert.notDeepEqual(key(keys0, i), key(keys1, i));
    for (const k of [key(keys0, i), key(keys1, i)]) seen.add(Array.from(k).join());
  }
  assert.equal(seen.size, 2 * count, "all keys distinct");
});

Deno.test("base OT: keys depend on session id and direction", () => {
  const choices = new Uint8Array(1);
  const state = baseOtSenderStart(new Prg(testSeed(2, 0)));
  const a = baseOtReceive(new Prg(testSeed(2, 1)), SID, 0, state.message, choices, 8);
  const b = baseOtReceive(new Prg(testSeed(2, 1)), testSeed(8, 99), 0, state.message, choices, 8);
  const c = baseOtReceive(new Prg(testSeed(2, 1)), SID, 1, state.message, choices, 8);
  assert.deepEqual(a.message, b.message);
  assert.notDeepEqual(a.keys, b.keys);
  assert.notDeepEqual(a.keys, c.keys);
});

function badPoints(): [string, Uint8Array][] {
  const valid = ristretto255.Point.BASE.multiply(5n).toBytes();
  const negative = valid.slice();
  negative[0] ^= 1; // odd s: a "negative" field element, not a canonical encoding
  const highBit = valid.slice();
  highBit[31] |= 0x80;
  return [
    ["identity", new Uint8Array(32)],
    ["all-ones", new Uint8Array(32).fill(0xff)],
    ["non-canonical sign", negative],
    ["high bit set", highBit],
    ["short", valid.subarray(0, 31)],
  ];
}

Deno.test("decodePeerPoint rejects invalid encodings and the identity", () => {
  for (const [name, bytes] of badPoints()) {
    assert.throws(() => decodePeerPoint(bytes, "test point"), BaseOtError, name);
  }
  decodePeerPoint(ristretto255.Point.BASE.toBytes(), "generator"); // a valid point passes
});

Deno.test("base OT receiver rejects a bad sender point A", () => {
  for (const [name, bytes] of badPoints()) {
    assert.throws(
      () => baseOtReceive(new Prg(testSeed(3, 1)), SID, 0, bytes, new Uint8Array(16), 128),
      BaseOtError,
      name,
    );
  }
});

Deno.test("base OT sender rejects a bad point B_i and a wrong-length message", () => {
  const state = baseOtSenderStart(new Prg(testSeed(4, 0)));
  const good = baseOtReceive(new Prg(testSeed(4, 1)), SID, 0, state.message, new Uint8Array(1), 8);
  for (const [name, bytes] of badPoints()) {
    if (bytes.length !== 32) continue;
    const tampered = good.message.slice();
    tampered.set(bytes, 5 * 32);
    assert.throws(() => baseOtSenderFinish(state, SID, 0, tampered, 8), /B_5/, name);
  }
  assert.throws(() => baseOtSenderFinish(state, SID, 0, good.message.subarray(1), 8), BaseOtError);
});

Deno.test("setup rejects a peer that sends the identity as A, without hanging", async () => {
  const [c0, c1] = memoryChannelPair();
  const setup = setupOtEndpoints(c0, 0, new Prg(testSeed(5, 0)), SID);
  c1.send(new Uint8Array(32));
  await c1.recv();
  await assert.rejects(setup, BaseOtError);
});

Deno.test("setup fails with a ChannelError when the peer closes", async () => {
  const [c0, c1] = memoryChannelPair();
  const setup = setupOtEndpoints(c0, 0, new Prg(testSeed(6, 0)), SID);
  c1.close();
  await assert.rejects(setup, /closed/);
});

Deno.test("setup uses two flights each way and 32 + 128·32 bytes per party", async () => {
  const [c0, c1] = memoryChannelPair();
  await Promise.all([
    setupOtEndpoints(c0, 0, new Prg(testSeed(7, 0)), SID),
    setupOtEndpoints(c1, 1, new Prg(testSeed(7, 1)), SID),
  ]);
  for (const c of [c0, c1]) {
    const stats = c.stats.byPhase.get("base-ot")!;
    assert.equal(stats.messagesSent, 2);
    assert.equal(stats.bytesSent, 32 + 128 * 32);
    assert.equal(stats.rounds, 2);
  }
});
