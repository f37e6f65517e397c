/**
 * The AND-triple part of the one correlation pool (protocol/preprocessing.ts): a block
 * generated offline is handed out in disjoint slices, each a valid triple (c = a AND b after
 * opening), and a request the block cannot serve gets fresh triples.
 *
 * @module
 */

import assert from "node:assert/strict";
import { openBits } from "../protocol/binary.ts";
import type { MpcContext } from "../protocol/context.ts";
import { PreprocessingStore } from "../protocol/preprocessing.ts";
import { memoryContextPair } from "../testing/mpc_pair.ts";

type BitTriples = { a: Uint32Array; b: Uint32Array; c: Uint32Array };

async function openTriples(
  pair: [MpcContext, MpcContext],
  shares: [BitTriples, BitTriples],
): Promise<BitTriples> {
  const open = (i: 0 | 1 | 2) => {
    const key = (["a", "b", "c"] as const)[i];
    return Promise.all([openBits(pair[0], shares[0][key]), openBits(pair[1], shares[1][key])]);
  };
  const [a] = await open(0);
  const [b] = await open(1);
  const [c] = await open(2);
  return { a, b, c };
}

function assertAndTriples(t: BitTriples): void {
  for (let w = 0; w < t.a.length; w++) assert.equal(t.c[w], (t.a[w] & t.b[w]) >>> 0, `word ${w}`);
}

Deno.test("AND triples: slices of the block are valid and disjoint; a short block gives fresh ones", async () => {
  const pair = await memoryContextPair(5);
  const stores = pair.map((ctx) => new PreprocessingStore(ctx)) as [
    PreprocessingStore,
    PreprocessingStore,
  ];
  await Promise.all(stores.map((s) => s.generateAndTriples(8)));
  const first = await Promise.all(stores.map((s) => s.takeAndTriples(5)));
  const second = await Promise.all(stores.map((s) => s.takeAndTriples(3)));
  // Only 0 words are left in the block: this request is served by fresh triples.
  const fresh = await Promise.all(stores.map((s) => s.takeAndTriples(4)));
  const opened = [
    await openTriples(pair, [first[0], first[1]]),
    await openTriples(pair, [second[0], second[1]]),
    await openTriples(pair, [fresh[0], fresh[1]]),
  ];
  opened.forEach(assertAndTriples);
  assert.deepEqual(opened.map((t) => t.a.length), [5, 3, 4]);
  // Disjoint slices of one block: the second starts where the first ended (views, no copies).
  assert.equal(second[0].a.byteOffset, first[0].a.byteOffset + 5 * 4);
  assert.equal(first[0].a.buffer, second[0].a.buffer);
  assert.notEqual(fresh[0].a.buffer, first[0].a.buffer);
  // Random a shares: at least one of the 5 × 32 opened bits of a is set, and not all are.
  const ones = opened[0].a.reduce((sum, w) => sum + w.toString(2).replaceAll("0", "").length, 0);
  assert.ok(ones > 0 && ones < 5 * 32);
});

Deno.test("AND triples: negative or fractional word counts are refused", async () => {
  const [ctx] = await memoryContextPair(6);
  const store = new PreprocessingStore(ctx);
  await assert.rejects(store.generateAndTriples(-1), RangeError);
  await assert.rejects(store.takeAndTriples(1.5), RangeError);
});
