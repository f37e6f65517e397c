import assert from "node:assert/strict";
import { memoryContextPair as contextPair } from "../testing/mpc_pair.ts";
import { open } from "../protocol/sharing.ts";
import { generateSquarePairs, generateTriples } from "../protocol/triples.ts";
import { ownerMatrixTimesShared } from "../protocol/vector_ole.ts";
import { PreprocessingStore } from "../protocol/preprocessing.ts";
import { MAX_OT_VALUES_PER_CALL } from "../protocol/gilboa.ts";
import type { MpcContext } from "../protocol/context.ts";

const M = 1n << 64n;
const mod = (x: bigint) => ((x % M) + M) % M;

/** Runs the two halves of a protocol concurrently and returns both outputs. */
function both<T>(pair: [MpcContext, MpcContext], body: (ctx: MpcContext) => Promise<T>) {
  return Promise.all([body(pair[0]), body(pair[1])]);
}

async function openBoth(pair: [MpcContext, MpcContext], shares: [BigUint64Array, BigUint64Array]) {
  const [x0, x1] = await Promise.all([open(pair[0], shares[0]), open(pair[1], shares[1])]);
  assert.deepEqual([...x0], [...x1]);
  return x0;
}

Deno.test("dealer-free Beaver triples reconstruct to c = a·b mod 2^64", async () => {
  const pair = await contextPair(3);
  const [t0, t1] = await both(pair, (ctx) => generateTriples(ctx, 1000));
  const a = await openBoth(pair, [t0.a, t1.a]);
  const b = await openBoth(pair, [t0.b, t1.b]);
  const c = await openBoth(pair, [t0.c, t1.c]);
  for (let i = 0; i < a.length; i++) assert.equal(c[i], mod(a[i] * b[i]), `triple ${i}`);
  // The factors are not degenerate: they are spread over the ring.
  assert.ok(new Set(a).size > 990 && new Set(b).size > 990);
});

Deno.test("dealer-free square pairs reconstruct to r2 = r² mod 2^64", async () => {
  const pair = await contextPair(4);
  const [p0, p1] = await both(pair, (ctx) => generateSquarePairs(ctx, 777));
  const r = await openBoth(pair, [p0.r, p1.r]);
  const r2 = await openBoth(pair, [p0.r2, p1.r2]);
  for (let i = 0; i < r.length; i++) assert.equal(r2[i], mod(r[i] * r[i]), `pair ${i}`);
  assert.ok(new Set(r).size > 770);
});

Deno.test("preprocessing with the same test seeds is reproducible, other seeds differ", async () => {
  const run = async (seed: number) => {
    const pair = await contextPair(seed);
    const [t0] = await both(pair, (ctx) => generateTriples(ctx, 64));
    const [p0] = await both(pair, (ctx) => generateSquarePairs(ctx, 64));
    return [...t0.a, ...t0.b, ...t0.c, ...p0.r, ...p0.r2];
  };
  const first = await run(7);
  assert.deepEqual(await run(7), first);
  assert.notDeepEqual(await run(8), first);
});

Deno.test("owner's matrix times shared matrix equals the plaintext X·Cᵀ exactly", async () => {
  const pair = await contextPair(5);
  // The whole of C, then a window of C's columns (X's features in a vertical partition).
  const windows = [{ sharedCols: 3, colStart: 0 }, { sharedCols: 5, colStart: 1 }];
  for (const owner of [0, 1] as const) {
    for (const { sharedCols, colStart } of windows) {
      const n = 37, d = 3, k = 4;
      const shape = { rows: n, cols: d, sharedCols, colStart };
      const x = pair[owner].prg.ring(n * d);
      for (let i = 0; i < x.length; i++) x[i] = BigInt.asUintN(64, x[i] >> 20n) - (1n << 43n);
      const c = pair[0].prg.ring(k * sharedCols); // the plaintext centroids (test only)
      const c0 = pair[1].prg.ring(k * sharedCols);
      const c1 = c.map((v, i) => v - c0[i]);
      const [s0, s1] = await Promise.all([
        ownerMatrixTimesShared(pair[0], owner, owner === 0 ? x : null, c0, shape),
        ownerMatrixTimesShared(pair[1], owner, owner === 1 ? x : null, c1, shape),
      ]);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) {
          let expected = 0n;
          for (let l = 0; l < d; l++) expected += x[i * d + l] * c[j * sharedCols + colStart + l];
          assert.equal(
            mod(s0[i * k + j] + s1[i * k + j]),
            mod(expected),
            `(${i}, ${j}) owner ${owner}, columns from ${colStart} of ${sharedCols}`,
          );
        }
      }
    }
  }
});

Deno.test("owner's matrix times shared matrix: empty shapes send nothing, bad shapes throw", async () => {
  const pair = await contextPair(10);
  const before = pair[0].channel.stats.total.bytesSent + pair[1].channel.stats.total.bytesSent;
  const shape = { rows: 4, cols: 0, sharedCols: 2, colStart: 2 };
  const [s0, s1] = await Promise.all([
    ownerMatrixTimesShared(pair[0], 1, null, new BigUint64Array(6), shape),
    ownerMatrixTimesShared(pair[1], 1, new BigUint64Array(0), new BigUint64Array(6), shape),
  ]);
  assert.deepEqual([s0.length, s1.length], [12, 12]);
  assert.ok(s0.every((v) => v === 0n) && s1.every((v) => v === 0n));
  const after = pair[0].channel.stats.total.bytesSent + pair[1].channel.stats.total.bytesSent;
  assert.equal(after, before);
  const c = new BigUint64Array(6);
  const x = new BigUint64Array(4);
  const call = (s: { rows: number; cols: number; sharedCols?: number; colStart?: number }) =>
    ownerMatrixTimesShared(pair[0], 0, x, c, s);
  await assert.rejects(call({ rows: 2, cols: 2, sharedCols: 2, colStart: 1 }), /shared columns/);
  await assert.rejects(call({ rows: 2, cols: 2, sharedCols: 4 }), /not k × 4/);
  await assert.rejects(call({ rows: 3, cols: 2 }), /matrix has 4 values/);
  await assert.rejects(call({ rows: -1, cols: 2 }), /rows -1 is not a non-negative integer/);
  await assert.rejects(
    ownerMatrixTimesShared(pair[1], 0, x, c, { rows: 2, cols: 2 }),
    /exactly the owner/,
  );
});

Deno.test("vector OLE splits long vectors across OT batches correctly", async () => {
  const pair = await contextPair(6);
  const n = MAX_OT_VALUES_PER_CALL / 64 + 5; // forces a vector slice boundary
  const d = 1, k = 1;
  const x = pair[0].prg.ring(n * d);
  const c0 = pair[0].prg.ring(k * d);
  const c1 = pair[1].prg.ring(k * d);
  const [s0, s1] = await Promise.all([
    ownerMatrixTimesShared(pair[0], 0, x, c0, { rows: n, cols: d }),
    ownerMatrixTimesShared(pair[1], 0, null, c1, { rows: n, cols: d }),
  ]);
  const c = c0[0] + c1[0];
  for (let i = 0; i < n; i++) assert.equal(mod(s0[i] + s1[i]), mod(x[i] * c), `row ${i}`);
});

Deno.test("preprocessing store hands each correlation out once, across chunk borders", async () => {
  const pair = await contextPair(9);
  const stores = pair.map((ctx) => new PreprocessingStore(ctx, { chunkSize: 100 }));
  await both(pair, (ctx) => stores[ctx.role].generate({ triples: 250, squarePairs: 30 }));
  assert.deepEqual(stores[0].available, { triples: 250, squarePairs: 30 });
  const takes = [70, 120, 100]; // the last take runs 40 past the stock: one chunk (100) on demand
  const seen = new Set<bigint>();
  for (const count of takes) {
    const [t0, t1] = await both(pair, (ctx) => stores[ctx.role].takeTriples(count));
    const a = await openBoth(pair, [t0.a, t1.a]);
    const b = await openBoth(pair, [t0.b, t1.b]);
    const c = await openBoth(pair, [t0.c, t1.c]);
    for (let i = 0; i < count; i++) {
      assert.equal(c[i], mod(a[i] * b[i]));
      assert.ok(!seen.has(a[i]), "a triple was handed out twice");
      seen.add(a[i]);
    }
  }
  assert.equal(stores[0].generated.triples, 350);
  assert.equal(stores[1].available.triples, 60);
  const [p0, p1] = await both(pair, (ctx) => stores[ctx.role].takeSquarePairs(45));
  const r = await openBoth(pair, [p0.r, p1.r]);
  const r2 = await openBoth(pair, [p0.r2, p1.r2]);
  for (let i = 0; i < 45; i++) assert.equal(r2[i], mod(r[i] * r[i]));
  assert.equal(stores[0].available.squarePairs, 85);
});
