/**
 * Exact truncation (protocol/truncation.ts truncateExact, truncateExactUnsigned,
 * fixedTruncateExact) over the real OT extension (in-memory channel): the shares reconstruct
 * to exactly floor(x / 2^s), computed in plaintext with BigInt (whose >> is a floor for
 * negative values too), for random and edge values, random masks (fast-check biases them
 * towards 0 and 2^64 − 1, where the share wrap-arounds happen) and several s; plus the
 * traffic per element at s = 16 against the local SecureML truncation.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { memoryContextPair } from "../testing/mpc_pair.ts";
import type { MpcContext } from "../protocol/context.ts";
import {
  fixedTruncateExact,
  truncateExact,
  truncateExactUnsigned,
  truncateShares,
} from "../protocol/truncation.ts";

const TWO_64 = 1n << 64n;

type Truncation = (ctx: MpcContext, share: BigUint64Array) => Promise<BigUint64Array>;

/** Shares x with the masks (P1 holds the mask), runs `run` on both sides, reconstructs. */
async function reconstructed(
  pair: [MpcContext, MpcContext],
  values: readonly bigint[],
  masks: readonly bigint[],
  run: Truncation,
): Promise<bigint[]> {
  const share1 = BigUint64Array.from(masks, (m) => BigInt.asUintN(64, m));
  const share0 = BigUint64Array.from(values, (v, i) => BigInt.asUintN(64, v - share1[i]));
  const [a, b] = await Promise.all([run(pair[0], share0), run(pair[1], share1)]);
  return Array.from(a, (v, i) => BigInt.asUintN(64, v + b[i]));
}

/** Values and masks of equal length: masks over the whole ring. */
function valuesWithMasks(value: fc.Arbitrary<bigint>) {
  return fc.array(fc.tuple(value, fc.bigInt({ min: 0n, max: TWO_64 - 1n })), {
    minLength: 1,
    maxLength: 40,
  });
}

/** 0, ±1, ±(2^bound − 1) and k·2^s, k·2^s ± 1 within |x| < 2^bound. */
function signedEdges(s: number, bound: number): bigint[] {
  const limit = 1n << BigInt(bound);
  const unit = 1n << BigInt(s);
  const out = [0n, 1n, -1n, limit - 1n, -(limit - 1n)];
  for (const k of [1n, 2n, 3n, limit / unit - 1n, limit / unit]) {
    for (const delta of [-1n, 0n, 1n]) out.push(k * unit + delta, -k * unit + delta);
  }
  return out.filter((x) => x > -limit && x < limit);
}

Deno.test("truncateExact reconstructs to floor(x / 2^s) for random signed x within the bound", async () => {
  const pair = await memoryContextPair(51);
  try {
    const cases = fc.integer({ min: 1, max: 62 }).chain((bound) =>
      fc.tuple(
        fc.constant(bound),
        fc.integer({ min: 1, max: 62 }),
        valuesWithMasks(
          fc.bigInt({ min: -(1n << BigInt(bound)) + 1n, max: (1n << BigInt(bound)) - 1n }),
        ),
      )
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([bound, s, rows]) => {
        const values = rows.map(([v]) => v);
        const got = await reconstructed(
          pair,
          values,
          rows.map(([, m]) => m),
          (ctx, share) => truncateExact(ctx, share, s, bound),
        );
        assert.deepEqual(got, values.map((x) => BigInt.asUintN(64, x >> BigInt(s))));
      }),
      { numRuns: 60 },
    );
  } finally {
    pair[0].channel.close();
  }
});

Deno.test("truncateExact is exact on edge values around multiples of 2^s and the bound", async () => {
  const pair = await memoryContextPair(52);
  try {
    for (const [s, bound] of [[1, 62], [8, 20], [16, 62], [16, 40], [31, 32], [47, 62], [62, 62]]) {
      const values = signedEdges(s, bound);
      // Masks 0, 1, 2^64 − 1, 2^63 and uniform ones: every wrap-around case of the shares.
      const fixedMasks = [0n, 1n, TWO_64 - 1n, 1n << 63n, (1n << 63n) - 1n];
      for (const mask of [...fixedMasks, ...Array.from(pair[1].prg.ring(4))]) {
        const got = await reconstructed(
          pair,
          values,
          values.map(() => mask),
          (ctx, share) => truncateExact(ctx, share, s, bound),
        );
        assert.deepEqual(
          got,
          values.map((x) => BigInt.asUintN(64, x >> BigInt(s))),
          `s ${s}, bound ${bound}, mask ${mask}`,
        );
      }
    }
  } finally {
    pair[0].channel.close();
  }
});

Deno.test("truncateExact handles a shift above the bound (result 0 or −1)", async () => {
  const pair = await memoryContextPair(53);
  try {
    const values = [0n, 5n, -5n, 31n, -31n, -1n];
    const masks = Array.from(pair[1].prg.ring(values.length));
    const got = await reconstructed(pair, values, masks, (ctx, x) => truncateExact(ctx, x, 9, 5));
    assert.deepEqual(got, [0n, 0n, TWO_64 - 1n, 0n, TWO_64 - 1n, TWO_64 - 1n]);
  } finally {
    pair[0].channel.close();
  }
});

Deno.test("truncateExactUnsigned reconstructs to floor(x / 2^s) over the full ring", async () => {
  const pair = await memoryContextPair(54);
  try {
    const cases = fc.tuple(
      fc.integer({ min: 1, max: 62 }),
      valuesWithMasks(fc.bigInt({ min: 0n, max: TWO_64 - 1n })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([s, rows]) => {
        const top = 1n << 63n;
        const unit = 1n << BigInt(s);
        // Edges: both ends of the ring, both sides of 2^63, multiples of 2^s near the top.
        const edges = [0n, 1n, TWO_64 - 1n, top, top - 1n, top + 1n, TWO_64 - unit];
        edges.push(TWO_64 - unit - 1n, top - unit, top + unit - 1n, unit, unit - 1n);
        const values = [...rows.map(([v]) => v), ...edges];
        const masks = [...rows.map(([, m]) => m), ...edges.map((_, i) => rows[i % rows.length][1])];
        const got = await reconstructed(
          pair,
          values,
          masks,
          (ctx, share) => truncateExactUnsigned(ctx, share, s),
        );
        assert.deepEqual(got, values.map((x) => x >> BigInt(s)));
      }),
      { numRuns: 40 },
    );
  } finally {
    pair[0].channel.close();
  }
});

Deno.test("truncateExactUnsigned with bound 63 is exact below 2^63 (the k-means++ weights)", async () => {
  const pair = await memoryContextPair(55);
  try {
    const cases = fc.tuple(
      fc.integer({ min: 1, max: 62 }),
      valuesWithMasks(fc.bigInt({ min: 0n, max: (1n << 63n) - 1n })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([s, rows]) => {
        const values = rows.map(([v]) => v);
        const got = await reconstructed(
          pair,
          values,
          rows.map(([, m]) => m),
          (ctx, share) => truncateExactUnsigned(ctx, share, s, 63),
        );
        assert.deepEqual(got, values.map((x) => x >> BigInt(s)));
      }),
      { numRuns: 40 },
    );
  } finally {
    pair[0].channel.close();
  }
});

Deno.test("fixedTruncateExact lowers the scale and floors negative fixed-point values", async () => {
  const pair = await memoryContextPair(56);
  try {
    // −1.25 and 2.75 at scale 2^32, truncated by 16 bits: floor(x·2^16) at scale 2^16.
    const values = [-(5n << 30n), 11n << 30n, -1n];
    const masks = Array.from(pair[1].prg.ring(values.length));
    let scale = -1;
    const got = await reconstructed(pair, values, masks, async (ctx, share) => {
      const out = await fixedTruncateExact(ctx, { share, scale: 32 }, 16, 40);
      scale = out.scale;
      return out.share;
    });
    assert.equal(scale, 16);
    assert.deepEqual(got, [BigInt.asUintN(64, -(5n << 14n)), 11n << 14n, TWO_64 - 1n]);
  } finally {
    pair[0].channel.close();
  }
});

Deno.test("exact truncation rejects shifts and bounds outside their ranges", async () => {
  const [c0] = await memoryContextPair(57);
  const x = new BigUint64Array(2);
  await assert.rejects(() => truncateExact(c0, x, 63), RangeError);
  await assert.rejects(() => truncateExact(c0, x, 4, 63), RangeError);
  await assert.rejects(() => truncateExact(c0, x, 1.5), RangeError);
  await assert.rejects(() => truncateExactUnsigned(c0, x, -1), RangeError);
  await assert.rejects(() => truncateExactUnsigned(c0, x, 4, 65), RangeError);
  await assert.rejects(() => fixedTruncateExact(c0, { share: x, scale: 8 }, 9), RangeError);
  c0.channel.close();
});

Deno.test("exact truncation at s = 16 sends a few hundred bytes per element, the local one none", async () => {
  const pair = await memoryContextPair(58);
  try {
    const n = 4096;
    const total = () =>
      pair[0].channel.stats.total.bytesSent + pair[1].channel.stats.total.bytesSent;
    const shares = pair.map((c) => c.prg.ring(n));
    let before = total();
    await Promise.all(pair.map((c, p) => truncateShares(c, shares[p], 16)));
    assert.equal(total() - before, 0);
    before = total();
    await Promise.all(pair.map((c, p) => truncateExact(c, shares[p], 16, 40)));
    const perElement = (total() - before) / n;
    // Module doc estimate ≈ 450 bytes: 23 OTs of 16 bytes, tables, 2 COTs of 24 bytes.
    assert.ok(perElement > 300 && perElement < 600, `${perElement} bytes per element`);
  } finally {
    pair[0].channel.close();
  }
});
