/**
 * The KOS15 consistency check (IknpOptions.maliciousReceiverCheck): with the check on, every
 * OT kind still satisfies its relation (checked against plaintext recomputation) in both
 * directions; a cheating receiver, simulated by a channel wrapper that tampers with its
 * outgoing u matrix or check answer (no hook in the production code), is caught by the sender
 * with an OtCheckError; mismatched options fail instead of hanging.
 */

import assert from "node:assert/strict";
import { type Channel, ChannelError } from "../party/channel.ts";
import { memoryChannelPair } from "../party/memory_channel.ts";
import { Prg } from "../core/prg.ts";
import {
  CHECK_RESPONSE_BYTES,
  checkedColumns,
  type IknpEndpoints,
  KOS_EXTRA_OTS,
  OtCheckError,
  setupOtEndpoints,
} from "../ot/mod.ts";
import { testSeed } from "../testing/mpc_pair.ts";

/** Rewrites selected outgoing frames of a channel (the test's cheating party). */
class TamperingChannel implements Channel {
  /** Called on each outgoing frame once armed; returns the frame to send instead. */
  tamper: ((frame: Uint8Array) => Uint8Array) | null = null;
  constructor(readonly inner: Channel) {}
  get stats() {
    return this.inner.stats;
  }
  send(frame: Uint8Array): void {
    this.inner.send(this.tamper ? this.tamper(frame) : frame);
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  recv(): Promise<Uint8Array> {
    return this.inner.recv();
  }
  close(): void {
    this.inner.close();
  }
}

async function checkedPair(
  seed: number,
  options: { chunkOts?: number; ringChunkOts?: number } = {},
): Promise<{ p0: IknpEndpoints; p1: IknpEndpoints; c1: TamperingChannel }> {
  const [c0, raw1] = memoryChannelPair();
  const c1 = new TamperingChannel(raw1);
  const sid = testSeed(seed, 99);
  const kos = { ...options, maliciousReceiverCheck: true };
  const [p0, p1] = await Promise.all([
    setupOtEndpoints(c0, 0, new Prg(testSeed(seed, 0)), sid, kos),
    setupOtEndpoints(c1, 1, new Prg(testSeed(seed, 1)), sid, kos),
  ]);
  return { p0, p1, c1 };
}

function bit(bits: Uint8Array, i: number): number {
  return (bits[i >> 3] >> (i & 7)) & 1;
}

function block(bytes: Uint8Array, i: number, size = 16): Uint8Array {
  return bytes.subarray(i * size, (i + 1) * size);
}

const U_MATRIX_ROWS = 128;

for (const count of [1, 1000, 140_000]) {
  Deno.test(`KOS on: random and global-delta OTs keep their relations (${count} OTs)`, async () => {
    const { p0, p1 } = await checkedPair(count, { chunkOts: 1 << 15 });
    for (
      const [sender, receiver] of [[p0.sender, p1.receiver], [p1.sender, p0.receiver]] as const
    ) {
      const [s, r] = await Promise.all([sender.randomOt(count), receiver.randomOt(count)]);
      let ones = 0;
      for (let i = 0; i < count; i++) {
        const c = bit(r.choices, i);
        ones += c;
        assert.deepEqual(block(r.messages, i), block(c ? s.m1 : s.m0, i), `ROT ${i}`);
        assert.notDeepEqual(block(s.m0, i), block(s.m1, i));
      }
      if (count >= 1000) assert.ok(ones > count * 0.4 && ones < count * 0.6);
      const [m0, cr] = await Promise.all([
        sender.correlatedOt(count),
        receiver.correlatedOt(count),
      ]);
      for (let i = 0; i < count; i++) {
        const expected = bit(cr.choices, i)
          ? block(m0, i).map((x, k) => x ^ sender.delta[k])
          : block(m0, i);
        assert.deepEqual(block(cr.messages, i), expected, `COT ${i}`);
      }
    }
  });
}

Deno.test("KOS on: ring COT (Gilboa widths, vectors, ramped chunks) keeps its relation", async () => {
  const { p0, p1 } = await checkedPair(7, { ringChunkOts: 1 << 15 });
  for (const [count, vectorLength] of [[64 * 1500, 1], [700, 5]]) {
    const widths = Uint8Array.from({ length: count }, (_, i) => 64 - (i % 64));
    const correlations = new Prg(testSeed(7, count)).ring(count * vectorLength);
    for (let i = 0; i < count; i++) {
      for (let v = 0; v < vectorLength; v++) {
        correlations[i * vectorLength + v] &= (1n << BigInt(widths[i])) - 1n;
      }
    }
    const [m0, r] = await Promise.all([
      p0.sender.correlatedOtRing(correlations, vectorLength, widths),
      p1.receiver.correlatedOtRing(count, vectorLength, widths),
    ]);
    for (let i = 0; i < count; i++) {
      const mask = (1n << BigInt(widths[i])) - 1n;
      const c = BigInt(bit(r.choices, i));
      for (let v = 0; v < vectorLength; v++) {
        const k = i * vectorLength + v;
        assert.equal(r.values[k], (m0[k] + c * correlations[k]) & mask, `ring COT ${i}/${v}`);
      }
    }
  }
});

Deno.test("KOS on: folded Gilboa products equal b·x mod 2^64", async () => {
  const { p0, p1 } = await checkedPair(8, { ringChunkOts: 1 << 14 });
  const prg = new Prg(testSeed(8, 5));
  const x = prg.ring(600);
  const b = prg.ring(600);
  const [s, r] = await Promise.all([
    p0.sender.gilboaFold(x, 1, 0),
    p1.receiver.gilboaFold(b, 1, 0),
  ]);
  for (let t = 0; t < x.length; t++) {
    assert.equal(BigInt.asUintN(64, s[t] + r[t]), BigInt.asUintN(64, x[t] * b[t]), `product ${t}`);
  }
});

Deno.test("KOS on: chosen-message OT delivers M_c in both directions", async () => {
  const { p0, p1 } = await checkedPair(9, { chunkOts: 1 << 12 });
  const count = 5000, bytes = 21;
  const prg = new Prg(testSeed(9, 5));
  const m0 = prg.bytes(count * bytes), m1 = prg.bytes(count * bytes);
  const choices = prg.bytes(Math.ceil(count / 8));
  for (
    const [sender, receiver] of [[p0.sender, p1.receiver], [p1.sender, p0.receiver]] as const
  ) {
    const [, got] = await Promise.all([
      sender.chosenOt(m0, m1, bytes),
      receiver.chosenOt(choices, count, bytes),
    ]);
    for (let i = 0; i < count; i++) {
      assert.deepEqual(block(got, i, bytes), block(bit(choices, i) ? m1 : m0, i, bytes));
    }
  }
});

Deno.test("KOS on: each chunk carries at least κ + s extra OTs and one check exchange", async () => {
  const { p0, p1, c1 } = await checkedPair(10, { chunkOts: 1 << 12 });
  const count = 3 * 4096 + 1000; // three full chunks and a partial one
  const before = { ...c1.stats.total };
  await Promise.all([p0.sender.randomOt(count), p1.receiver.randomOt(count)]);
  const chunks = [4096, 4096, 4096, 1000];
  const uBytes = chunks.reduce((sum, n) => sum + (U_MATRIX_ROWS * checkedColumns(n)) / 8, 0);
  assert.ok(chunks.every((n) => checkedColumns(n) >= n + KOS_EXTRA_OTS));
  assert.equal(c1.stats.total.bytesSent - before.bytesSent, uBytes + 4 * CHECK_RESPONSE_BYTES);
  assert.equal(c1.stats.total.bytesReceived - before.bytesReceived, 4 * 16); // the seeds
});

/**
 * Runs `count` random OTs (P0 sender, P1 receiver) with P1's frames tampered by the function
 * `makeTamper` returns for P0's Δ. The test reads Δ only to pick which base-OT row to corrupt:
 * the sender ignores u_j when Δ_j = 0, so only rows with Δ_j = 1 can be detected (a cheater
 * guessing one bit of Δ is caught with probability 1/2, the leakage KOS15 permits).
 */
async function runTampered(
  seed: number,
  count: number,
  makeTamper: (delta: Uint8Array) => (frame: Uint8Array) => Uint8Array,
  kind: "random" | "ring" = "random",
): Promise<[PromiseSettledResult<unknown>, PromiseSettledResult<unknown>]> {
  const { p0, p1, c1 } = await checkedPair(seed, { chunkOts: 1 << 13, ringChunkOts: 1 << 14 });
  c1.tamper = makeTamper(p0.sender.delta);
  const correlations = new BigUint64Array(count);
  const [s, r] = await Promise.allSettled(
    kind === "random" ? [p0.sender.randomOt(count), p1.receiver.randomOt(count)] : [
      p0.sender.correlatedOtRing(correlations, 1, 64),
      p1.receiver.correlatedOtRing(count, 1, 64),
    ],
  );
  return [s, r];
}

function assertCaught(
  results: [PromiseSettledResult<unknown>, PromiseSettledResult<unknown>],
  receiverWaitsForSender = false,
) {
  const [sender, receiver] = results;
  assert.equal(sender.status, "rejected");
  assert.ok((sender as PromiseRejectedResult).reason instanceof OtCheckError);
  assert.match(String((sender as PromiseRejectedResult).reason), /KOS check failed/);
  // The sender aborts by closing the channel, so a receiver still waiting for the sender fails
  // instead of hanging (a random-OT receiver may already have finished its last chunk).
  if (receiverWaitsForSender || receiver.status === "rejected") {
    assert.equal(receiver.status, "rejected");
    assert.ok((receiver as PromiseRejectedResult).reason instanceof ChannelError);
  }
}

/** The first base-OT row j ≥ from with Δ_j = want. */
function rowWithDelta(delta: Uint8Array, from: number, want: number): number {
  for (let j = from; j < from + 128; j++) {
    if (bit(delta, j % 128) === want) return j % 128;
  }
  throw new Error("Δ has no such bit");
}

/** A tamper function that changes the first u matrix of `columns` columns by `edit`. */
function onFirstUMatrix(columns: number, edit: (u: Uint8Array, rowBytes: number) => void) {
  let done = false;
  return (frame: Uint8Array) => {
    if (done || frame.length !== (U_MATRIX_ROWS * columns) / 8) return frame;
    done = true;
    const copy = frame.slice();
    edit(copy, columns / 8);
    return copy;
  };
}

for (const [from, column] of [[0, 0], [77, 4095], [127, 5000]]) {
  Deno.test(`KOS: a receiver flipping one u bit (row ≥ ${from} with Δ_j = 1, OT ${column}) is caught`, async () => {
    const count = 6000;
    const makeTamper = (delta: Uint8Array) => {
      const row = rowWithDelta(delta, from, 1);
      return onFirstUMatrix(checkedColumns(count), (u, rowBytes) => {
        u[row * rowBytes + (column >> 3)] ^= 1 << (column & 7);
      });
    };
    assertCaught(await runTampered(20 + from, count, makeTamper));
  });
}

Deno.test("KOS: a flip in a row with Δ_j = 0 changes nothing (the sender ignores that u row)", async () => {
  const count = 6000;
  const { p0, p1, c1 } = await checkedPair(26, { chunkOts: 1 << 13 });
  const row = rowWithDelta(p0.sender.delta, 0, 0);
  c1.tamper = onFirstUMatrix(checkedColumns(count), (u, rowBytes) => {
    u[row * rowBytes] ^= 1;
  });
  const [s, r] = await Promise.all([p0.sender.randomOt(count), p1.receiver.randomOt(count)]);
  for (let i = 0; i < count; i++) {
    assert.deepEqual(block(r.messages, i), block(bit(r.choices, i) ? s.m1 : s.m0, i));
  }
});

Deno.test("KOS: a receiver using other choice bits in one base-OT row is caught", async () => {
  const count = 6000;
  const other = new Prg(testSeed(30, 7)).bytes(Math.ceil(count / 8));
  // u_j = t_j ⊕ G(k_j^1) ⊕ r' in row 42: XOR the difference r ⊕ r' (a random vector) into it.
  const makeTamper = (delta: Uint8Array) => {
    const row = rowWithDelta(delta, 42, 1);
    return onFirstUMatrix(checkedColumns(count), (u, rowBytes) => {
      for (let b = 0; b < other.length; b++) u[row * rowBytes + b] ^= other[b];
    });
  };
  assertCaught(await runTampered(30, count, makeTamper));
});

Deno.test("KOS: tampering only in the extra (masking) OTs is caught", async () => {
  const count = 6000;
  const columns = checkedColumns(count);
  const makeTamper = (delta: Uint8Array) => {
    const row = rowWithDelta(delta, 5, 1);
    return onFirstUMatrix(columns, (u, rowBytes) => {
      u[row * rowBytes + rowBytes - 1] ^= 0x80; // the very last column
    });
  };
  assertCaught(await runTampered(31, count, makeTamper));
});

Deno.test("KOS: an inconsistent ring-COT receiver is caught and its peer fails instead of hanging", async () => {
  const count = 2000;
  const makeTamper = (delta: Uint8Array) => {
    const row = rowWithDelta(delta, 3, 1);
    return onFirstUMatrix(checkedColumns(count), (u, rowBytes) => {
      u[row * rowBytes + 10] ^= 0x10;
    });
  };
  assertCaught(await runTampered(32, count, makeTamper, "ring"), true);
});

Deno.test("KOS: a forged check answer (x̃ changed) is caught", async () => {
  let done = false;
  const tamper = (frame: Uint8Array) => {
    if (done || frame.length !== CHECK_RESPONSE_BYTES) return frame;
    done = true;
    const copy = frame.slice();
    copy[CHECK_RESPONSE_BYTES - 1] ^= 1;
    return copy;
  };
  assertCaught(await runTampered(33, 3000, () => tamper));
});

Deno.test("KOS: a check answer of the wrong length is refused with a clear error", async () => {
  const [c0, c1] = memoryChannelPair();
  const sid = testSeed(34, 99);
  const kos = { maliciousReceiverCheck: true };
  const [p0] = await Promise.all([
    setupOtEndpoints(c0, 0, new Prg(testSeed(34, 0)), sid, kos),
    setupOtEndpoints(c1, 1, new Prg(testSeed(34, 1)), sid, kos),
  ]);
  const pending = p0.sender.randomOt(100);
  c1.send(new Uint8Array((U_MATRIX_ROWS * checkedColumns(100)) / 8)); // a u matrix
  await c1.recv(); // the challenge seed
  c1.send(new Uint8Array(CHECK_RESPONSE_BYTES - 16));
  await assert.rejects(pending, /KOS check values/);
});

Deno.test("KOS on one side only fails with a ChannelError instead of hanging", async () => {
  const [c0, c1] = memoryChannelPair();
  const sid = testSeed(35, 99);
  const [p0, p1] = await Promise.all([
    setupOtEndpoints(c0, 0, new Prg(testSeed(35, 0)), sid),
    setupOtEndpoints(c1, 1, new Prg(testSeed(35, 1)), sid, { maliciousReceiverCheck: true }),
  ]);
  const sender = p0.sender.randomOt(1000).finally(() => c0.close());
  const [s, r] = await Promise.allSettled([sender, p1.receiver.randomOt(1000)]);
  assert.equal(s.status, "rejected");
  assert.match(String((s as PromiseRejectedResult).reason), /u matrix/);
  assert.equal(r.status, "rejected");
});
