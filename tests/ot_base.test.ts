/**
 * Chou–Orlandi base OT: known-answer keys, key relations, rejection of malformed peer points,
 * setup flights.
 */

import assert from "node:assert/strict";
import { ristretto255 } from "@noble/curves/ed25519.js";
import { bytesToHex } from "@noble/hashes/utils.js";
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

/**
 * A {@link Prg} that hands out the given bytes in order instead of a keystream, so that a test
 * fixes the protocol's secret scalars. `bytes` goes through `fill`, so both are scripted.
 */
class ScriptedPrg extends Prg {
  #script: Uint8Array;
  #offset = 0;

  constructor(script: Uint8Array) {
    super(new Uint8Array(16));
    this.#script = script;
  }

  override fill(out: Uint8Array): Uint8Array {
    if (this.#offset + out.length > this.#script.length) throw new Error("PRG script exhausted");
    out.set(this.#script.subarray(this.#offset, this.#offset + out.length));
    this.#offset += out.length;
    return out;
  }
}

/** The 64 PRG bytes from which base OT draws the scalar s: s little-endian (s < q, no reduction). */
function scalarBytes(s: bigint): Uint8Array {
  const out = new Uint8Array(64);
  for (let i = 0; s > 0n; i++, s >>= 8n) out[i] = Number(s & 0xffn);
  return out;
}

/*
 * Known answers for base OT with fixed scalars a and b_i = B0 + i, 258 OTs, session id the 20
 * ASCII bytes "known-answer session", direction 1, choice bits 0 at OT 0 and 1 at OTs 1 and 257.
 * With G the ristretto255 generator and k(i, s) = SHA-256("pp-kmeans/chou-orlandi-ot/v1" ||
 * u32le(20) || sid || u8(direction) || u32le(i) || A || B_i || enc(s·G))[0..16]:
 *   A = enc(a·G), B_i = enc((b_i + c_i·a)·G),
 *   k0_i = k(i, a·(b_i + c_i·a)), k1_i = k(i, a·(b_i + c_i·a) − a²), scalars mod q.
 * Computed twice, outside ot/base_ot.ts: once in python3 with ristretto255 encoding written out
 * from RFC 9496 over Edwards25519 (checked against the RFC's encodings of 0·G..15·G) and hashlib
 * SHA-256; once with @noble/curves ristretto255 and @noble/hashes sha256 directly. Both agree.
 * The scalars reach the module as 64 little-endian PRG bytes each (see scalarBytes).
 */
const KAT_A = 0x07d3a1f4c8e2b6095d4e7a3c1f8b2d6e9a0c5f3b7e1d4a8c2f6b9e3d7a1c5f0en;
const KAT_B0 = 0x0e4c9a2f7b1d5830c6e2a9f4b7d1c3e5a8f2b6d9c4e7a1f3b5d8c2e6a9f4b1d7n;
const KAT_COUNT = 258;
const KAT_SID = new TextEncoder().encode("known-answer session");
const KAT_POINT_A = "6872335f18ebc4075c976da47c75c5384e83d61fb8dbd8cfbed911871ba4e637";
const KAT_OTS = [
  {
    index: 0,
    choice: 0,
    pointB: "ce75b2d73fc4047714c48fb5a9f193bae9f9a76fc3880ef7ecac7451d07d995a",
    key0: "f2bb81c74a0c98928e993fbec7cdf9e4",
    key1: "b55660e2e37e761d6a5efc2498abdfd6",
  },
  {
    index: 1,
    choice: 1,
    pointB: "969b971656a38634d453beccb8696330749cae91ea01c8e74274600905ceb919",
    key0: "f05d3cddf2adba7ad474db323bc7541f",
    key1: "b3a27b1ea841745a5025663f7d69a02a",
  },
  {
    index: 257,
    choice: 1,
    pointB: "de36a449940e8b41e27442a9fc0da730b11a3fa991cdb2e20838c9c5fa2b1e1b",
    key0: "a0c003564fe8f4730bc4d331f6aeb8dd",
    key1: "5fd81a9126f3fa7a27e0a5b1e6e9a345",
  },
];

Deno.test("base OT known answers: A, B_i and both keys for choice bits 0 and 1", () => {
  // The sender's first 64 bytes are zero: the zero scalar must be rejected and redrawn.
  const senderScript = new Uint8Array(128);
  senderScript.set(scalarBytes(KAT_A), 64);
  const receiverScript = new Uint8Array(KAT_COUNT * 64);
  for (let i = 0; i < KAT_COUNT; i++) receiverScript.set(scalarBytes(KAT_B0 + BigInt(i)), i * 64);
  const choices = new Uint8Array(Math.ceil(KAT_COUNT / 8));
  for (const { index, choice } of KAT_OTS) choices[index >> 3] |= choice << (index & 7);

  const state = baseOtSenderStart(new ScriptedPrg(senderScript));
  assert.equal(bytesToHex(state.message), KAT_POINT_A);
  const received = baseOtReceive(
    new ScriptedPrg(receiverScript),
    KAT_SID,
    1,
    state.message,
    choices,
    KAT_COUNT,
  );
  const sent = baseOtSenderFinish(state, KAT_SID, 1, received.message, KAT_COUNT);
  for (const { index, choice, pointB, key0, key1 } of KAT_OTS) {
    const what = `OT ${index} (choice ${choice})`;
    assert.equal(bytesToHex(received.message.subarray(index * 32, index * 32 + 32)), pointB, what);
    assert.equal(bytesToHex(key(sent.keys0, index)), key0, what);
    assert.equal(bytesToHex(key(sent.keys1, index)), key1, what);
    assert.equal(bytesToHex(key(received.keys, index)), choice ? key1 : key0, what);
  }
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
