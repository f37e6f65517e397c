/**
 * Handshake, coin toss and session establishment over the in-memory pair (the TCP path is
 * covered by tests/party_cli.test.ts): agreement, every kind of mismatch reported on both
 * sides, malformed hellos, and a coin toss whose opening does not match its commitment.
 */

import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { type Channel, ChannelError } from "../party/channel.ts";
import { memoryChannelPair } from "../party/memory_channel.ts";
import type { JsonValue } from "../core/json.ts";
import { handshake, HandshakeError, PROTOCOL_VERSION } from "../party/handshake.ts";
import { coinToss, confirmJointSeed, JointSeedMismatchError } from "../party/coin_toss.ts";
import { establishSession } from "../party/session.ts";

const PARAMS: Record<string, JsonValue> = {
  job: "kmeans",
  features: ["Age", "Income"],
  k: 3,
  iterations: 10,
  ringBits: 64,
  fractionalBits: 16,
  reveal: { centroids: true, sizes: false },
  partition: "horizontal",
};

function nonce(n: number): Uint8Array {
  return new Uint8Array(16).fill(n);
}

async function bothRejections(
  results: [Promise<unknown>, Promise<unknown>],
): Promise<[Error, Error]> {
  const settled = await Promise.allSettled(results);
  return settled.map((s) => {
    assert.equal(s.status, "rejected", "both parties must fail");
    return (s as PromiseRejectedResult).reason as Error;
  }) as [Error, Error];
}

Deno.test("handshake: equal parameters give both parties the same session id and facts", async () => {
  const [a, b] = memoryChannelPair();
  const [ra, rb] = await Promise.all([
    handshake(a, { role: 0, params: PARAMS, facts: { rows: 100 }, nonce: nonce(1) }),
    handshake(b, {
      role: 1,
      // Same values, different key order: still equal.
      params: { ...PARAMS, reveal: { sizes: false, centroids: true } },
      facts: { rows: 120 },
      nonce: nonce(2),
    }),
  ]);
  assert.deepEqual(ra.sessionId, rb.sessionId);
  assert.equal(ra.sessionId.length, 16);
  assert.deepEqual(ra.peerFacts, { rows: 120 });
  assert.deepEqual(rb.peerFacts, { rows: 100 });
});

Deno.test("handshake: fresh nonces give different session ids", async () => {
  const run = async (n: number) => {
    const [a, b] = memoryChannelPair();
    const [ra] = await Promise.all([
      handshake(a, { role: 0, params: PARAMS, nonce: nonce(n) }),
      handshake(b, { role: 1, params: PARAMS, nonce: nonce(n + 100) }),
    ]);
    return ra.sessionId;
  };
  assert.notDeepEqual(await run(1), await run(2));
});

Deno.test("handshake: a differing parameter is reported by BOTH parties, by name, exit code 2", async () => {
  const [a, b] = memoryChannelPair();
  const [ea, eb] = await bothRejections([
    handshake(a, { role: 0, params: PARAMS, nonce: nonce(1) }),
    handshake(b, { role: 1, params: { ...PARAMS, k: 4 }, nonce: nonce(2) }),
  ]);
  for (const error of [ea, eb]) {
    assert.ok(error instanceof HandshakeError);
    assert.equal((error as HandshakeError).exitCode, 2);
    assert.match(error.message, /"k"/);
    assert.doesNotMatch(error.message, /"features"|"iterations"/);
  }
  assert.match(ea.message, /"k" is 3 here but 4 at the peer/);
  assert.match(eb.message, /"k" is 4 here but 3 at the peer/);
});

Deno.test("handshake: a parameter only one side has is named on both sides", async () => {
  const [a, b] = memoryChannelPair();
  const { partition: _, ...withoutPartition } = PARAMS;
  const [ea, eb] = await bothRejections([
    handshake(a, { role: 0, params: PARAMS, nonce: nonce(1) }),
    handshake(b, { role: 1, params: withoutPartition, nonce: nonce(2) }),
  ]);
  assert.match(ea.message, /"partition" is missing on the peer/);
  assert.match(eb.message, /"partition" is missing here/);
});

Deno.test("handshake: feature names in another order are a mismatch", async () => {
  const [a, b] = memoryChannelPair();
  const [ea, eb] = await bothRejections([
    handshake(a, { role: 0, params: PARAMS, nonce: nonce(1) }),
    handshake(b, { role: 1, params: { ...PARAMS, features: ["Income", "Age"] }, nonce: nonce(2) }),
  ]);
  assert.match(ea.message, /"features"/);
  assert.match(eb.message, /"features"/);
});

Deno.test("handshake: two parties with the same role both fail", async () => {
  const [a, b] = memoryChannelPair();
  const [ea, eb] = await bothRejections([
    handshake(a, { role: 1, params: PARAMS, nonce: nonce(1) }),
    handshake(b, { role: 1, params: PARAMS, nonce: nonce(2) }),
  ]);
  for (const error of [ea, eb]) {
    assert.ok(error instanceof HandshakeError);
    assert.match(error.message, /both parties were started with role 1/);
  }
});

/** A fake peer that sends `frame` as its hello. */
async function helloFrom(frame: Uint8Array): Promise<Error> {
  const [a, b]: [Channel, Channel] = memoryChannelPair();
  b.send(frame);
  const result = await Promise.allSettled([
    handshake(a, { role: 0, params: PARAMS, nonce: nonce(1) }),
  ]);
  assert.equal(result[0].status, "rejected");
  return (result[0] as PromiseRejectedResult).reason;
}

function hello(version: number, body: string): Uint8Array {
  const json = new TextEncoder().encode(body);
  const frame = new Uint8Array(10 + json.length);
  frame.set(new TextEncoder().encode("PPKMHELO"));
  new DataView(frame.buffer).setUint16(8, version, true);
  frame.set(json, 10);
  return frame;
}

Deno.test("handshake: wrong magic, wrong version and malformed JSON are clear errors", async () => {
  const badMagic = await helloFrom(new TextEncoder().encode("HELLO WORLD, this is not it"));
  assert.ok(badMagic instanceof ChannelError);
  assert.match(badMagic.message, /not a handshake \(bad magic\)/);

  const badVersion = await helloFrom(hello(7, "{}"));
  assert.ok(badVersion instanceof HandshakeError);
  assert.match(badVersion.message, /version differs: this party speaks version 2, the peer 7/);

  const badJson = await helloFrom(hello(PROTOCOL_VERSION, "{not json"));
  assert.ok(badJson instanceof ChannelError);
  assert.match(badJson.message, /not valid UTF-8 JSON/);

  const badShape = await helloFrom(
    hello(PROTOCOL_VERSION, JSON.stringify({ role: 2, nonce: "00", params: {}, facts: {} })),
  );
  assert.ok(badShape instanceof ChannelError);
  assert.match(badShape.message, /malformed/);
});

Deno.test("coin toss: both parties get the seed H(sid, s0, s1), equal to neither share", async () => {
  const [a, b] = memoryChannelPair();
  const sid = new Uint8Array(16).fill(9);
  const fixed = (byte: number) => (length: number) => new Uint8Array(length).fill(byte);
  const [seed0, seed1] = await Promise.all([
    coinToss(a, 0, sid, fixed(0xa0)),
    coinToss(b, 1, sid, fixed(0xb1)),
  ]);
  assert.deepEqual(seed0, seed1);
  const label = new TextEncoder().encode("pp-kmeans coin toss seed v1");
  const input = new Uint8Array([
    ...label,
    ...sid,
    ...new Uint8Array(16).fill(0xa0),
    ...new Uint8Array(16).fill(0xb1),
  ]);
  assert.deepEqual(seed0, sha256(input).subarray(0, 16));
});

Deno.test("coin toss: an opening that does not match the commitment is detected", async () => {
  const [cheater, honest] = memoryChannelPair();
  const sid = new Uint8Array(16);
  const outcome = coinToss(honest, 1, sid);
  cheater.send(new Uint8Array(32).fill(1)); // a commitment to nothing we will open
  await cheater.recv(); // P1's share
  cheater.send(new Uint8Array(32).fill(2)); // an opening chosen after seeing P1's share
  await assert.rejects(outcome, /opening does not match its commitment/);
});

Deno.test("coin toss: a commitment of the wrong length is rejected", async () => {
  const [cheater, honest] = memoryChannelPair();
  const outcome = coinToss(honest, 1, new Uint8Array(16));
  cheater.send(new Uint8Array(5));
  await assert.rejects(outcome, /5 bytes for coin-toss commitment, expected 32/);
});

Deno.test("session: seeds are fresh by default and reproducible with a test seed", async () => {
  const establish = async (testSeed?: Uint8Array) => {
    const [a, b] = memoryChannelPair();
    return await Promise.all([
      establishSession(a, { role: 0, params: PARAMS, testSeed }),
      establishSession(b, { role: 1, params: PARAMS, testSeed }),
    ]);
  };
  const [s0, s1] = await establish();
  assert.deepEqual(s0.jointSeed, s1.jointSeed);
  assert.deepEqual(s0.sessionId, s1.sessionId);
  assert.notDeepEqual(s0.privateSeed, s1.privateSeed);
  const [t0] = await establish();
  assert.notDeepEqual(t0.jointSeed, s0.jointSeed);
  assert.notDeepEqual(t0.privateSeed, s0.privateSeed);

  const seed = new Uint8Array([1, 2, 3]);
  const [d0, d1] = await establish(seed);
  const [e0, e1] = await establish(seed);
  assert.deepEqual(d0.jointSeed, e0.jointSeed);
  assert.deepEqual(d0.privateSeed, e0.privateSeed);
  assert.deepEqual(d1.privateSeed, e1.privateSeed);
  assert.notDeepEqual(d0.privateSeed, d1.privateSeed);
});

/**
 * Wraps `inner` so that the `index`-th frame it sends (0-based) has one bit flipped, as a
 * network attacker without TLS could do.
 */
function flipBitOfFrame(inner: Channel, index: number): Channel {
  let sent = 0;
  return {
    stats: inner.stats,
    send(frame) {
      if (sent++ === index) {
        frame = frame.slice();
        frame[0] ^= 1;
      }
      inner.send(frame);
    },
    flush: () => inner.flush(),
    recv: () => inner.recv(),
    close: () => inner.close(),
  };
}

Deno.test("session: a bit flipped in B's coin-toss share stops BOTH parties with a seed mismatch", async () => {
  const [a, b] = memoryChannelPair();
  // B's frames: 0 = hello, 1 = coin-toss share s1 (A then derives a seed B does not have).
  const [ea, eb] = await bothRejections([
    establishSession(a, { role: 0, params: PARAMS }),
    establishSession(flipBitOfFrame(b, 1), { role: 1, params: PARAMS }),
  ]);
  for (const error of [ea, eb]) {
    assert.ok(error instanceof JointSeedMismatchError, String(error));
    assert.equal(
      error.message,
      "joint seed mismatch: the connection was tampered with or the peer is not running this " +
        "protocol",
    );
  }
});

Deno.test("coin toss: a party's own confirmation reflected back to it is rejected", async () => {
  const [reflector, honest] = memoryChannelPair();
  const sid = new Uint8Array(16).fill(3);
  const seed = new Uint8Array(16).fill(4);
  const outcome = confirmJointSeed(honest, 0, sid, seed);
  reflector.send(await reflector.recv()); // echo P0's own confirmation
  await assert.rejects(outcome, JointSeedMismatchError);
});

Deno.test("coin toss: the confirmation is H(confirm, sid, role, seed) for the agreed seed", async () => {
  const [a, b] = memoryChannelPair();
  const sid = new Uint8Array(16).fill(5);
  const seed = new Uint8Array(16).fill(6);
  const sentByA = (async () => {
    await confirmJointSeed(a, 0, sid, seed);
  })();
  const frame = await b.recv();
  const label = new TextEncoder().encode("pp-kmeans confirm v1");
  assert.deepEqual(frame, sha256(new Uint8Array([...label, ...sid, 0, ...seed])));
  b.send(sha256(new Uint8Array([...label, ...sid, 1, ...seed])));
  await sentByA; // accepted: the peer's value matches the seed
});
