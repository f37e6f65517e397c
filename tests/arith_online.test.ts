import assert from "node:assert/strict";
import fc from "fast-check";
import { memoryContextPair as contextPair } from "../testing/mpc_pair.ts";
import type { MpcContext } from "../protocol/context.ts";
import {
  fixedAdd,
  open,
  openTo,
  ScaleMismatchError,
  sharedFixed,
  shareInput,
} from "../protocol/sharing.ts";
import { generateSquarePairs, generateTriples } from "../protocol/triples.ts";
import {
  beaverMultiply,
  dotProduct,
  fixedDotProduct,
  fixedMultiply,
  fixedSquare,
  squareShared,
} from "../protocol/beaver.ts";
import { divideByPublic, truncateShares } from "../protocol/truncation.ts";
import { decodeFixed, encodeFixed } from "../protocol/fixed_point.ts";
import { ChannelError, sendTyped } from "../party/channel.ts";

const M = 1n << 64n;
const mod = (x: bigint) => ((x % M) + M) % M;
const signed = (x: bigint) => BigInt.asIntN(64, x);
const u64 = fc.bigInt({ min: 0n, max: M - 1n });
type Pair = [MpcContext, MpcContext];

/** Shares plaintext values owned by `owner`; returns both parties' shares. */
function share(pair: Pair, owner: 0 | 1, values: BigUint64Array): [BigUint64Array, BigUint64Array] {
  return [
    shareInput(pair[0], owner, owner === 0 ? values : null, values.length),
    shareInput(pair[1], owner, owner === 1 ? values : null, values.length),
  ];
}

async function reveal(pair: Pair, shares: [BigUint64Array, BigUint64Array]) {
  const [x0, x1] = await Promise.all([open(pair[0], shares[0]), open(pair[1], shares[1])]);
  assert.deepEqual([...x0], [...x1]);
  return x0;
}

function both<T>(pair: Pair, body: (ctx: MpcContext, me: 0 | 1) => Promise<T>) {
  return Promise.all([body(pair[0], 0), body(pair[1], 1)]);
}

Deno.test("input sharing needs no messages and opens to the owner's values", async () => {
  const pair = await contextPair(11);
  const before = pair[0].channel.stats.total.bytesSent + pair[1].channel.stats.total.bytesSent;
  const x = BigUint64Array.from([0n, 1n, M - 1n, 123456789n]);
  const s = share(pair, 1, x);
  assert.equal(
    pair[0].channel.stats.total.bytesSent + pair[1].channel.stats.total.bytesSent,
    before,
  );
  assert.notDeepEqual([...s[0]], [...x]);
  assert.deepEqual([...(await reveal(pair, s))], [...x]);
  const [to0, to1] = await Promise.all([openTo(pair[0], 0, s[0]), openTo(pair[1], 0, s[1])]);
  assert.deepEqual([...to0!], [...x]);
  assert.equal(to1, null);
  assert.throws(() => shareInput(pair[0], 1, x, 4), /only the owner/);
});

Deno.test("Beaver multiply, square and dot product equal the plaintext ring results", async () => {
  const pair = await contextPair(12);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(u64, u64), { minLength: 1, maxLength: 24 }), async (p) => {
      const n = p.length;
      const x = BigUint64Array.from(p.map((t) => t[0]));
      const y = BigUint64Array.from(p.map((t) => t[1]));
      const xs = share(pair, 0, x);
      const ys = share(pair, 1, y);
      const triples = await both(pair, (ctx) => generateTriples(ctx, 2 * n));
      const pairs = await both(pair, (ctx) => generateSquarePairs(ctx, n));
      const prod = await both(pair, (ctx, me) => beaverMultiply(ctx, xs[me], ys[me], triples[me]));
      const sq = await both(pair, (ctx, me) => squareShared(ctx, xs[me], pairs[me]));
      const rest = (me: 0 | 1) => ({
        a: triples[me].a.subarray(n),
        b: triples[me].b.subarray(n),
        c: triples[me].c.subarray(n),
      });
      const dot = await both(pair, (ctx, me) => dotProduct(ctx, xs[me], ys[me], n, rest(me)));
      assert.deepEqual([...(await reveal(pair, prod))], p.map(([a, b]) => mod(a * b)));
      assert.deepEqual([...(await reveal(pair, sq))], p.map(([a]) => mod(a * a)));
      assert.deepEqual([...(await reveal(pair, dot))], [
        mod(p.reduce((s, [a, b]) => s + a * b, 0n)),
      ]);
    }),
    { numRuns: 15 },
  );
});

Deno.test("truncation and public division are within one unit of floor(x / c)", async () => {
  const pair = await contextPair(13);
  const small = fc.bigInt({ min: -(1n << 40n), max: 1n << 40n });
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(small, fc.bigInt({ min: 1n, max: 1000n })), {
        minLength: 1,
        maxLength: 30,
      }),
      fc.integer({ min: 0, max: 30 }),
      fc.bigInt({ min: 1n, max: 1n << 20n }),
      async (p, bits, c) => {
        const x = BigUint64Array.from(p.map(([v]) => mod(v)));
        const divisors = BigUint64Array.from(p.map(([, d]) => d));
        const xs = share(pair, 0, x);
        const check = (out: BigUint64Array, divisor: (i: number) => bigint) => {
          out.forEach((v, i) => {
            const exact = p[i][0];
            const d = divisor(i);
            const floor = exact >= 0n ? exact / d : -((-exact + d - 1n) / d);
            const got = signed(v);
            assert.ok(got === floor || got === floor + 1n, `${exact}/${d}: got ${got}`);
          });
        };
        check(
          await reveal(pair, [
            truncateShares(pair[0], xs[0], bits),
            truncateShares(pair[1], xs[1], bits),
          ]),
          () => 1n << BigInt(bits),
        );
        check(
          await reveal(pair, [
            divideByPublic(pair[0], xs[0], c),
            divideByPublic(pair[1], xs[1], c),
          ]),
          () => c,
        );
        check(
          await reveal(pair, [
            divideByPublic(pair[0], xs[0], divisors),
            divideByPublic(pair[1], xs[1], divisors),
          ]),
          (i) => divisors[i],
        );
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("fixed-point multiply, square and dot product stay within the documented error", async () => {
  const pair = await contextPair(14);
  const f = 16;
  const real = fc.double({ min: -100, max: 100, noNaN: true });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(real, real), { minLength: 1, maxLength: 16 }), async (p) => {
      const n = p.length;
      const xe = encodeFixed(p.map((t) => t[0]), { fractionalBits: f });
      const ye = encodeFixed(p.map((t) => t[1]), { fractionalBits: f });
      const xs = share(pair, 0, xe);
      const ys = share(pair, 1, ye);
      const triples = await both(pair, (ctx) => generateTriples(ctx, 2 * n));
      const sqPairs = await both(pair, (ctx) => generateSquarePairs(ctx, n));
      const fx = (me: 0 | 1) => sharedFixed(xs[me], f);
      const fy = (me: 0 | 1) => sharedFixed(ys[me], f);
      const half = (me: 0 | 1, from: number) => ({
        a: triples[me].a.subarray(from, from + n),
        b: triples[me].b.subarray(from, from + n),
        c: triples[me].c.subarray(from, from + n),
      });
      const prod = await both(pair, (ctx, me) => fixedMultiply(ctx, fx(me), fy(me), half(me, 0)));
      const sq = await both(pair, (ctx, me) => fixedSquare(ctx, fx(me), sqPairs[me]));
      const dot = await both(
        pair,
        (ctx, me) => fixedDotProduct(ctx, fx(me), fy(me), n, half(me, n)),
      );
      assert.equal(prod[0].scale, f);
      const ulp = 2 ** -f;
      const prodValues = decodeFixed(await reveal(pair, [prod[0].share, prod[1].share]), f);
      const sqValues = decodeFixed(await reveal(pair, [sq[0].share, sq[1].share]), f);
      const dotValue = decodeFixed(await reveal(pair, [dot[0].share, dot[1].share]), f)[0];
      // Exact products of the encoded inputs, truncated: within one ulp (plus encoding's half ulp
      // per factor, |v| ≤ 100 each).
      const bound = ulp + 100 * ulp;
      let dotExpected = 0;
      p.forEach(([a, b], i) => {
        const ea = Number(signed(xe[i])) * ulp;
        const eb = Number(signed(ye[i])) * ulp;
        assert.ok(Math.abs(prodValues[i] - ea * eb) <= ulp, `${a}·${b}`);
        assert.ok(Math.abs(prodValues[i] - a * b) <= bound, `${a}·${b} vs real`);
        assert.ok(Math.abs(sqValues[i] - ea * ea) <= ulp, `${a}²`);
        dotExpected += ea * eb;
      });
      assert.ok(Math.abs(dotValue - dotExpected) <= ulp * 1.001, "dot product");
    }),
    { numRuns: 15 },
  );
});

Deno.test("fixed-point operations refuse to mix scales", () => {
  const a = sharedFixed(new BigUint64Array(2), 16);
  const b = sharedFixed(new BigUint64Array(2), 20);
  assert.throws(() => fixedAdd(a, b), ScaleMismatchError);
});

Deno.test("opening rejects a peer frame of the wrong length with a ChannelError", async () => {
  const pair = await contextPair(15);
  sendTyped(pair[1].channel, new BigUint64Array(3));
  await assert.rejects(open(pair[0], new BigUint64Array(4)), ChannelError);
});
