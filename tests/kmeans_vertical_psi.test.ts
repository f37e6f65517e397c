/**
 * The DH-PSI vertical join (security review finding 3): equal IDs meet whatever the file
 * orders, the joined order is the same on both sides and independent of either file, unmatched
 * IDs give counts only, and malformed points from the peer are refused.
 */
import assert from "node:assert/strict";
import { ristretto255 } from "@noble/curves/ed25519.js";
import { ChannelError } from "../party/channel.ts";
import { memoryChannelPair } from "../party/memory_channel.ts";
import { Prg } from "../core/prg.ts";
import { InputError } from "../core/errors.ts";
import { testSeed } from "../testing/mpc_pair.ts";
import { decodePoints, hashId, PSI_POINT_BYTES, psiTags } from "../protocol/psi.ts";
import { joinedInitRows, joinVertical, toOwnOrder } from "../kmeans/secure/vertical.ts";

async function join(idsA: string[], idsB: string[], seed = 1) {
  const [c0, c1] = memoryChannelPair();
  try {
    return await Promise.all([
      joinVertical(c0, 0, idsA, idsB.length, new Prg(testSeed(seed, 0))),
      joinVertical(c1, 1, idsB, idsA.length, new Prg(testSeed(seed, 1))),
    ]);
  } finally {
    c0.close();
  }
}

const IDS = Array.from({ length: 50 }, (_, i) => `customer-${i}`);

Deno.test("PSI join: both parties line up the same IDs, whatever their file orders", async () => {
  const shuffledB = [...IDS].sort(); // lexicographic: another order than A's
  const [a, b] = await join(IDS, shuffledB);
  assert.equal(a.n, 50);
  for (let p = 0; p < a.n; p++) assert.equal(IDS[a.order[p]], shuffledB[b.order[p]]);
});

Deno.test("PSI join: the joined order does not follow either file and differs per session", async () => {
  const [a1] = await join(IDS, IDS, 1);
  const [a2] = await join(IDS, IDS, 2);
  const identity = Array.from(IDS, (_, i) => i);
  assert.notDeepEqual(Array.from(a1.order), identity);
  assert.notDeepEqual(Array.from(a1.order), Array.from(a2.order));
});

Deno.test("PSI join: unmatched IDs are reported as counts on both sides", async () => {
  const [c0, c1] = memoryChannelPair();
  const idsB = [...IDS.slice(3), "x", "y"];
  const results = await Promise.allSettled([
    joinVertical(c0, 0, IDS, idsB.length, new Prg(testSeed(4, 0))),
    joinVertical(c1, 1, idsB, IDS.length, new Prg(testSeed(4, 1))),
  ]);
  for (const result of results) {
    assert.equal(result.status, "rejected");
    const error = (result as PromiseRejectedResult).reason as Error;
    assert.ok(error instanceof InputError);
    assert.match(error.message, /3 ID\(s\) of party A are missing at party B and 2 ID\(s\) of/);
    assert.ok(!/customer|"x"/.test(error.message), "no ID in the message");
  }
});

Deno.test("PSI: IDs never travel in the clear and blinded IDs are not the plain hashes", async () => {
  const [c0, c1] = memoryChannelPair();
  const sent: Uint8Array[] = [];
  const send = c0.send.bind(c0);
  c0.send = (frame: Uint8Array) => {
    sent.push(frame.slice());
    send(frame);
  };
  await Promise.all([
    psiTags(c0, IDS, IDS.length, new Prg(testSeed(5, 0))),
    psiTags(c1, IDS, IDS.length, new Prg(testSeed(5, 1))),
  ]);
  const wire = sent.map((f) => Array.from(f, (b) => String.fromCharCode(b)).join("")).join("");
  assert.ok(!wire.includes("customer"));
  for (const id of IDS) {
    assert.ok(!wire.includes(String.fromCharCode(...hashId(id).toBytes())), "unblinded hash");
  }
});

Deno.test("PSI: non-canonical, identity, repeated and wrongly sized points are refused", () => {
  const good = ristretto255.Point.BASE.multiply(7n).toBytes();
  const other = ristretto255.Point.BASE.multiply(9n).toBytes();
  const two = (x: Uint8Array, y: Uint8Array) => {
    const out = new Uint8Array(2 * PSI_POINT_BYTES);
    out.set(x);
    out.set(y, PSI_POINT_BYTES);
    return out;
  };
  assert.equal(decodePoints(two(good, other), 2, "t").length, 2);
  const cases: [Uint8Array, number, RegExp][] = [
    [two(good, new Uint8Array(32).fill(0xff)), 2, /invalid ristretto255 point/],
    [two(good, new Uint8Array(32)), 2, /identity point/],
    [two(good, good), 2, /repeated point/],
    [good, 2, /32 bytes of t, expected 64/],
  ];
  for (const [bytes, count, message] of cases) {
    assert.throws(() => decodePoints(bytes, count, "t"), (error: Error) => {
      assert.ok(error instanceof ChannelError);
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("PSI join: a peer's malformed first frame fails the join with a ChannelError", async () => {
  const [c0, c1] = memoryChannelPair();
  const outcome = joinVertical(c0, 0, IDS.slice(0, 2), 2, new Prg(testSeed(6, 0)));
  c1.send(new Uint8Array(64)); // two identity points
  await assert.rejects(outcome, /identity point/);
  c0.close();
});

Deno.test("init rows in A's file order map to the same joined positions on both sides", async () => {
  const idsB = [...IDS].reverse();
  const [a, b] = await join(IDS, idsB);
  const [c0, c1] = memoryChannelPair();
  const rows = [0, 17, 49];
  const [pa, pb] = await Promise.all([
    joinedInitRows(c0, 0, a, rows),
    joinedInitRows(c1, 1, b, rows),
  ]);
  assert.deepEqual(pa, pb);
  for (const [t, p] of pa.entries()) {
    assert.equal(a.order[p], rows[t]); // A's row
    assert.equal(idsB[b.order[p]], IDS[rows[t]]); // B's row of the same ID
  }
  // Labels of joined rows come back in each party's own order.
  const joinedLabels = Array.from({ length: a.n }, (_, p) => p % 3);
  const labelsA = toOwnOrder(joinedLabels, a);
  const labelsB = toOwnOrder(joinedLabels, b);
  for (let i = 0; i < IDS.length; i++) assert.equal(labelsA[i], labelsB[IDS.length - 1 - i]);
  c0.close();
});

Deno.test("PSI with different ID sets: only the intersection size, rows stay unlinked", async () => {
  // A = {a, b, c}, B = {a, b, x}: each learns that one of its IDs is unmatched, not which.
  const [c0, c1] = memoryChannelPair();
  const receivedByA: Uint8Array[] = [];
  const recv = c0.recv.bind(c0);
  c0.recv = async () => {
    const frame = await recv();
    receivedByA.push(frame.slice());
    return frame;
  };
  const [a, b] = await Promise.all([
    psiTags(c0, ["a", "b", "c"], 3, new Prg(testSeed(8, 0))),
    psiTags(c1, ["a", "x", "b"], 3, new Prg(testSeed(8, 1))),
  ]);
  assert.equal(a.matched, 2);
  assert.equal(b.matched, 2);
  assert.equal(a.own, null);
  assert.equal(b.own, null);
  // Two frames only (blinded IDs, double-blinded IDs): the shuffle that would link the
  // returned tags to A's rows is never sent.
  assert.equal(receivedByA.length, 2);
  c0.close();
});

Deno.test("PSI returns each party's own tags in a fresh order until the sets are known equal", async () => {
  // With equal sets the third round maps tags back: equal IDs get equal tags on both sides.
  const [c0, c1] = memoryChannelPair();
  const idsB = ["b", "c", "a"];
  const [a, b] = await Promise.all([
    psiTags(c0, ["a", "b", "c"], 3, new Prg(testSeed(9, 0))),
    psiTags(c1, idsB, 3, new Prg(testSeed(9, 1))),
  ]);
  assert.equal(a.matched, 3);
  const tag = (own: Uint8Array | null, i: number) =>
    Array.from(own!.subarray(i * PSI_POINT_BYTES, (i + 1) * PSI_POINT_BYTES)).join(",");
  for (const [i, id] of ["a", "b", "c"].entries()) {
    assert.equal(tag(a.own, i), tag(b.own, idsB.indexOf(id)));
  }
  c0.close();
});
