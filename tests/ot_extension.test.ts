/**
 * IKNP extension: the OT relations for random, global-Δ correlated, ring-correlated and
 * chosen-message OTs, checked against plaintext recomputation over the in-memory channel.
 */

import assert from "node:assert/strict";
import { memoryChannelPair } from "../party/memory_channel.ts";
import { Prg } from "../core/prg.ts";
import { setupOtEndpoints } from "../ot/mod.ts";
import type { IknpEndpoints } from "../ot/mod.ts";
import { testSeed } from "../testing/mpc_pair.ts";

async function endpointPair(
  seed: number,
  chunkOts?: number,
): Promise<[IknpEndpoints, IknpEndpoints]> {
  const [c0, c1] = memoryChannelPair();
  const sid = testSeed(seed, 99);
  return await Promise.all([
    setupOtEndpoints(c0, 0, new Prg(testSeed(seed, 0)), sid, { chunkOts }),
    setupOtEndpoints(c1, 1, new Prg(testSeed(seed, 1)), sid, { chunkOts }),
  ]);
}

function bit(bits: Uint8Array, i: number): number {
  return (bits[i >> 3] >> (i & 7)) & 1;
}

function block(bytes: Uint8Array, i: number, size = 16): Uint8Array {
  return bytes.subarray(i * size, (i + 1) * size);
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((x, k) => x ^ b[k]);
}

const COUNTS = [1, 7, 128, 1000, 300_000]; // 300k spans several 2^16 chunks

for (const count of COUNTS) {
  Deno.test(`random OT: receiver gets exactly m_c, other message differs (${count} OTs)`, async () => {
    const [p0, p1] = await endpointPair(count);
    // Both directions: P0 sender with P1 receiver, then the reverse.
    for (
      const [sender, receiver] of [[p0.sender, p1.receiver], [p1.sender, p0.receiver]] as const
    ) {
      const [s, r] = await Promise.all([sender.randomOt(count), receiver.randomOt(count)]);
      assert.equal(s.m0.length, count * 16);
      assert.equal(r.messages.length, count * 16);
      let ones = 0;
      for (let i = 0; i < count; i++) {
        const c = bit(r.choices, i);
        ones += c;
        assert.deepEqual(block(r.messages, i), block(c ? s.m1 : s.m0, i), `OT ${i}`);
        assert.notDeepEqual(block(s.m0, i), block(s.m1, i));
      }
      if (count >= 1000) assert.ok(ones > count * 0.4 && ones < count * 0.6, "choices look random");
    }
  });
}

Deno.test("random OT: messages never repeat across calls (tweaks advance)", async () => {
  const [p0, p1] = await endpointPair(5);
  const choices = new Uint8Array(16); // all zero: same q rows would give same hashes w/o tweaks
  const seen = new Set<string>();
  for (let call = 0; call < 3; call++) {
    const [s, r] = await Promise.all([p0.sender.randomOt(128), p1.receiver.randomOt(128, choices)]);
    assert.deepEqual(r.messages, s.m0);
    for (let i = 0; i < 128; i++) {
      for (const m of [block(s.m0, i), block(s.m1, i)]) {
        const key = Array.from(m).join(",");
        assert.ok(!seen.has(key));
        seen.add(key);
      }
    }
  }
});

Deno.test("random OT with chosen choice bits returns those bits", async () => {
  const [p0, p1] = await endpointPair(6);
  const count = 777;
  const choices = new Prg(testSeed(6, 50)).bytes(Math.ceil(count / 8));
  const [s, r] = await Promise.all([
    p0.sender.randomOt(count),
    p1.receiver.randomOt(count, choices),
  ]);
  assert.deepEqual(r.choices, choices);
  for (let i = 0; i < count; i++) {
    assert.deepEqual(block(r.messages, i), block(bit(choices, i) ? s.m1 : s.m0, i));
  }
});

for (const count of [5, 1000, 140_000]) {
  Deno.test(`global-delta COT: receiver gets m0 xor c*delta (${count} OTs)`, async () => {
    const [p0, p1] = await endpointPair(10 + count, 1 << 15);
    for (
      const [sender, receiver] of [[p0.sender, p1.receiver], [p1.sender, p0.receiver]] as const
    ) {
      const [m0, r] = await Promise.all([sender.correlatedOt(count), receiver.correlatedOt(count)]);
      assert.equal(sender.delta.length, 16);
      for (let i = 0; i < count; i++) {
        const expected = bit(r.choices, i) ? xor(block(m0, i), sender.delta) : block(m0, i);
        assert.deepEqual(block(r.messages, i), expected, `COT ${i}`);
      }
    }
  });
}

Deno.test("the two directions use different deltas", async () => {
  const [p0, p1] = await endpointPair(11);
  assert.notDeepEqual(p0.sender.delta, p1.sender.delta);
});

function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

async function checkRing(
  count: number,
  vectorLength: number,
  widthsFor: (count: number) => number | Uint8Array,
  seed: number,
): Promise<void> {
  const [p0, p1] = await endpointPair(seed);
  const widths = widthsFor(count);
  const width = (i: number) => typeof widths === "number" ? widths : widths[i];
  const correlations = new Prg(testSeed(seed, 60)).ring(count * vectorLength);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < vectorLength; j++) correlations[i * vectorLength + j] &= mask(width(i));
  }
  const [m0, r] = await Promise.all([
    p0.sender.correlatedOtRing(correlations, vectorLength, widths),
    p1.receiver.correlatedOtRing(count, vectorLength, widths),
  ]);
  assert.equal(m0.length, count * vectorLength);
  assert.equal(r.values.length, count * vectorLength);
  for (let i = 0; i < count; i++) {
    const c = BigInt(bit(r.choices, i));
    const m = mask(width(i));
    for (let j = 0; j < vectorLength; j++) {
      const k = i * vectorLength + j;
      assert.equal(m0[k] & ~m, 0n, "sender output reduced to its width");
      assert.equal(r.values[k], (m0[k] + c * correlations[k]) & m, `ring COT ${i}/${j}`);
    }
  }
}

Deno.test("ring COT, width 64, vector length 1", () => checkRing(1000, 1, () => 64, 20));
Deno.test("ring COT, width 13, vector length 3", () => checkRing(300, 3, () => 13, 21));
Deno.test("ring COT, Gilboa widths 64..1 per OT", () =>
  checkRing(64 * 20, 1, (n) => Uint8Array.from({ length: n }, (_, i) => 64 - (i % 64)), 22));
Deno.test("ring COT, mixed widths and long vectors over several chunks", () =>
  checkRing(2000, 40, (n) => Uint8Array.from({ length: n }, (_, i) => 1 + (i * 7) % 64), 23));

Deno.test("ring COT sends only width bits per value (Gilboa: 2080 bits per product)", async () => {
  const [c0, c1] = memoryChannelPair();
  const sid = testSeed(24, 99);
  const [p0, p1] = await Promise.all([
    setupOtEndpoints(c0, 0, new Prg(testSeed(24, 0)), sid),
    setupOtEndpoints(c1, 1, new Prg(testSeed(24, 1)), sid),
  ]);
  const products = 16;
  const widths = Uint8Array.from({ length: 64 * products }, (_, i) => 64 - (i % 64));
  const before = c0.stats.total.bytesSent;
  await Promise.all([
    p0.sender.correlatedOtRing(new BigUint64Array(64 * products), 1, widths),
    p1.receiver.correlatedOtRing(64 * products, 1, widths),
  ]);
  assert.equal(c0.stats.total.bytesSent - before, (2080 * products) / 8);
});

for (const messageBytes of [1, 16, 33]) {
  Deno.test(`chosen OT: receiver gets M_c (${messageBytes}-byte messages)`, async () => {
    const [p0, p1] = await endpointPair(30 + messageBytes);
    const count = 1500;
    const prg = new Prg(testSeed(messageBytes, 70));
    const m0 = prg.bytes(count * messageBytes);
    const m1 = prg.bytes(count * messageBytes);
    const choices = prg.bytes(Math.ceil(count / 8));
    for (
      const [sender, receiver] of [[p0.sender, p1.receiver], [p1.sender, p0.receiver]] as const
    ) {
      const [, got] = await Promise.all([
        sender.chosenOt(m0, m1, messageBytes),
        receiver.chosenOt(choices, count, messageBytes),
      ]);
      for (let i = 0; i < count; i++) {
        assert.deepEqual(
          block(got, i, messageBytes),
          block(bit(choices, i) ? m1 : m0, i, messageBytes),
        );
      }
    }
  });
}

Deno.test("extension is deterministic with test seeds", async () => {
  const run = async () => {
    const [p0, p1] = await endpointPair(40);
    const [s] = await Promise.all([p0.sender.randomOt(300), p1.receiver.randomOt(300)]);
    return s.m0;
  };
  assert.deepEqual(await run(), await run());
});

Deno.test("sender rejects a u matrix of the wrong length", async () => {
  const [c0, c1] = memoryChannelPair();
  const sid = testSeed(41, 99);
  const [p0] = await Promise.all([
    setupOtEndpoints(c0, 0, new Prg(testSeed(41, 0)), sid),
    setupOtEndpoints(c1, 1, new Prg(testSeed(41, 1)), sid),
  ]);
  c1.send(new Uint8Array(100));
  await assert.rejects(p0.sender.randomOt(128), /u matrix/);
});

Deno.test("receiver rejects corrections of the wrong length", async () => {
  const [c0, c1] = memoryChannelPair();
  const sid = testSeed(42, 99);
  const [, p1] = await Promise.all([
    setupOtEndpoints(c0, 0, new Prg(testSeed(42, 0)), sid),
    setupOtEndpoints(c1, 1, new Prg(testSeed(42, 1)), sid),
  ]);
  const pending = p1.receiver.correlatedOtRing(10, 1, 64);
  await c0.recv(); // the u matrix
  c0.send(new Uint8Array(79)); // 10 × 64 bits is 80 bytes
  await assert.rejects(pending, /corrections/);
});

Deno.test("invalid arguments are rejected with clear errors", async () => {
  const [p0, p1] = await endpointPair(43);
  await assert.rejects(p0.sender.correlatedOtRing(new BigUint64Array(3), 2, 64), /multiple/);
  await assert.rejects(p1.receiver.correlatedOtRing(2, 1, 65), /width/);
  await assert.rejects(p1.receiver.chosenOt(new Uint8Array(1), 9, 4), /choices/);
  await assert.rejects(p0.sender.randomOt(-1), /count/);
});
