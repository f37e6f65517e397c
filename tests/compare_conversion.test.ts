import { deepEqual, rejects } from "node:assert/strict";
import { ChannelError } from "../party/channel.ts";
import { lessThan, signBits } from "../protocol/comparison.ts";
import { argmin } from "../protocol/argmin.ts";
import {
  bitTimesOwnerValues,
  bitTimesShared,
  bitToArithmetic,
  multiplex,
} from "../protocol/conversion.ts";
import { andBits, notBits, openBits, xorBits } from "../protocol/binary.ts";
import { generateFanoutTriples } from "../protocol/bit_triples.ts";
import {
  comparePair,
  openBitShares,
  openSigned,
  shareValues,
  TestRandom,
} from "./compare_support.ts";

/** Random XOR shares of the plaintext bits. */
function shareBits(plain: number[], rng: TestRandom): [Uint32Array, Uint32Array] {
  const words = Math.ceil(plain.length / 32);
  const s0 = new Uint32Array(words);
  const s1 = new Uint32Array(words);
  for (let w = 0; w < words; w++) s0[w] = Number(rng.next() & 0xffffffffn);
  for (let i = 0; i < plain.length; i++) {
    const bit = ((s0[i >>> 5] >>> (i & 31)) & 1) ^ plain[i];
    s1[i >>> 5] |= bit << (i & 31);
  }
  return [s0, s1];
}

function randomBits(count: number, rng: TestRandom): number[] {
  return Array.from({ length: count }, () => Number(rng.next() & 1n));
}

Deno.test("AND, XOR and NOT of shared bits match plaintext", async () => {
  const rng = new TestRandom(21);
  const n = 300;
  const x = randomBits(n, rng);
  const y = randomBits(n, rng);
  const [x0, x1] = shareBits(x, rng);
  const [y0, y1] = shareBits(y, rng);
  const [c0, c1] = await comparePair(21);
  const words = Math.ceil(n / 32);
  const [t0, t1] = await Promise.all([
    generateFanoutTriples(c0, words),
    generateFanoutTriples(c1, words),
  ]);
  const [z0, z1] = await Promise.all([andBits(c0, x0, y0, t0), andBits(c1, x1, y1, t1)]);
  deepEqual(openBitShares(z0, z1, n), x.map((v, i) => v & y[i]));
  deepEqual(openBitShares(xorBits(x0, y0), xorBits(x1, y1), n), x.map((v, i) => v ^ y[i]));
  deepEqual(openBitShares(notBits(0, x0), notBits(1, x1), n), x.map((v) => 1 - v));
  const [o0, o1] = await Promise.all([openBits(c0, z0), openBits(c1, z1)]);
  deepEqual(openBitShares(o0, new Uint32Array(words), n), x.map((v, i) => v & y[i]));
  deepEqual(o0, o1);
});

Deno.test("B2A turns XOR-shared bits into arithmetic shares of 0 and 1", async () => {
  const rng = new TestRandom(22);
  const plain = [0, 1, 1, 0, ...randomBits(100, rng)];
  const [b0, b1] = shareBits(plain, rng);
  const [c0, c1] = await comparePair(22);
  const [a0, a1] = await Promise.all([
    bitToArithmetic(c0, b0, plain.length),
    bitToArithmetic(c1, b1, plain.length),
  ]);
  deepEqual(openSigned(a0, a1), plain.map(BigInt));
});

for (const owner of [0, 1] as const) {
  Deno.test(`bitTimesOwnerValues gives b_i · x_i for vectors owned by party ${owner}`, async () => {
    const rng = new TestRandom(23 + owner);
    const n = 70;
    const length = 3;
    const plain = randomBits(n, rng);
    const [b0, b1] = shareBits(plain, rng);
    const x = Array.from(
      { length: n * length },
      (_, i) => i < 3 ? -1n - BigInt(i) : rng.signed(50),
    );
    const values = BigUint64Array.from(x.map((v) => BigInt.asUintN(64, v)));
    const [c0, c1] = await comparePair(23 + owner);
    const [p0, p1] = await Promise.all([
      bitTimesOwnerValues(c0, b0, owner, owner === 0 ? values : null, length, n),
      bitTimesOwnerValues(c1, b1, owner, owner === 1 ? values : null, length, n),
    ]);
    deepEqual(openSigned(p0, p1), x.map((v, i) => (plain[Math.floor(i / length)] ? v : 0n)));
  });
}

Deno.test("bitTimesShared and multiplex select between shared values", async () => {
  const rng = new TestRandom(25);
  const n = 90;
  const plain = randomBits(n, rng);
  const xs = Array.from({ length: n }, (_, i) => (i === 0 ? 0n : rng.signed(64)));
  const ys = Array.from({ length: n }, (_, i) => (i === 0 ? -1n : rng.signed(64)));
  const [s0, s1] = shareBits(plain, rng);
  const [x0, x1] = shareValues(xs, rng);
  const [y0, y1] = shareValues(ys, rng);
  const [c0, c1] = await comparePair(25);
  const [m0, m1] = await Promise.all([multiplex(c0, s0, x0, y0), multiplex(c1, s1, x1, y1)]);
  deepEqual(openSigned(m0, m1), xs.map((x, i) => (plain[i] ? ys[i] : x)));
  const [p0, p1] = await Promise.all([
    bitTimesShared(c0, s0, y0, 1, n),
    bitTimesShared(c1, s1, y1, 1, n),
  ]);
  deepEqual(openSigned(p0, p1), ys.map((y, i) => (plain[i] ? BigInt.asIntN(64, y) : 0n)));
});

Deno.test("a truncated AND opening from the peer fails with a ChannelError instead of hanging", async () => {
  const [c0, c1] = await comparePair(26);
  const words = 4;
  const [t0, t1] = await Promise.all([
    generateFanoutTriples(c0, words),
    generateFanoutTriples(c1, words),
  ]);
  void t0;
  c0.channel.send(new Uint8Array(3)); // the "peer" sends 3 bytes instead of 2 × 4 words
  await rejects(
    andBits(c1, new Uint32Array(words), new Uint32Array(words), t1),
    (e: Error) => e instanceof ChannelError && /expected 32/.test(e.message),
  );
});

Deno.test("bad public parameters are rejected with clear errors", async () => {
  const [c0] = await comparePair(27);
  const x = new BigUint64Array(4);
  await rejects(signBits(c0, x, 1), RangeError);
  await rejects(signBits(c0, x, 65), RangeError);
  await rejects(signBits(c0, x, 40, { digitBits: 7 }), RangeError);
  await rejects(signBits(c0, x, 40, { batch: 33 }), RangeError);
  await rejects(lessThan(c0, x, new BigUint64Array(3), 40), RangeError);
  await rejects(argmin(c0, new BigUint64Array(7), 2), RangeError);
  await rejects(bitToArithmetic(c0, new Uint32Array(1), 33), RangeError);
});
