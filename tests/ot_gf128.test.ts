/**
 * GF(2^128) arithmetic of the KOS15 check (ot/gf128.ts) and the column hash built on it
 * (ot/kos_check.ts), against a bit-by-bit reference written here: shift-and-add over the 128
 * bits of one factor, multiplying the other by X and reducing with X^128 = X^7 + X^2 + X + 1.
 */

import assert from "node:assert/strict";
import { Prg } from "../core/prg.ts";
import { gf128Multiply } from "../ot/gf128.ts";
import { ColumnHasher } from "../ot/kos_check.ts";
import { testSeed } from "../testing/mpc_pair.ts";

/** Bit-by-bit reference: a·b mod X^128 + X^7 + X^2 + X + 1 (bit i of a limb array = X^i). */
function referenceMultiply(a: Uint32Array, b: Uint32Array): Uint32Array {
  const result = new Uint32Array(4);
  const shifted = Uint32Array.from(b.subarray(0, 4)); // b·X^i mod P, for i = 0, 1, ...
  for (let i = 0; i < 128; i++) {
    if ((a[i >> 5] >>> (i & 31)) & 1) {
      for (let w = 0; w < 4; w++) result[w] ^= shifted[w];
    }
    const top = shifted[3] >>> 31;
    shifted[3] = (shifted[3] << 1) | (shifted[2] >>> 31);
    shifted[2] = (shifted[2] << 1) | (shifted[1] >>> 31);
    shifted[1] = (shifted[1] << 1) | (shifted[0] >>> 31);
    shifted[0] = shifted[0] << 1;
    if (top) shifted[0] ^= 0x87; // X^128 = X^7 + X^2 + X + 1
  }
  return result;
}

function element(...limbs: number[]): Uint32Array {
  return Uint32Array.from(limbs.map((x) => x >>> 0));
}

function monomial(degree: number): Uint32Array {
  const out = new Uint32Array(4);
  out[degree >> 5] = 1 << (degree & 31);
  return out;
}

Deno.test("GF(2^128): X^127 · X = X^7 + X^2 + X + 1 (the reduction polynomial)", () => {
  assert.deepEqual(gf128Multiply(monomial(127), monomial(1)), element(0x87, 0, 0, 0));
  assert.deepEqual(referenceMultiply(monomial(127), monomial(1)), element(0x87, 0, 0, 0));
});

Deno.test("GF(2^128): X^a · X^b = X^(a+b) below degree 128", () => {
  for (const [a, b] of [[0, 0], [3, 40], [31, 1], [64, 63], [100, 27]]) {
    assert.deepEqual(gf128Multiply(monomial(a), monomial(b)), monomial(a + b), `${a}+${b}`);
  }
});

Deno.test("GF(2^128): 1 is neutral, 0 absorbs", () => {
  const prg = new Prg(testSeed(1, 300));
  const a = new Uint32Array(prg.bytes(16).buffer);
  assert.deepEqual(gf128Multiply(a, monomial(0)), a);
  assert.deepEqual(gf128Multiply(monomial(0), a), a);
  assert.deepEqual(gf128Multiply(a, new Uint32Array(4)), new Uint32Array(4));
});

Deno.test("GF(2^128): multiply matches the bit-by-bit reference on edge and random operands", () => {
  const ones = element(-1, -1, -1, -1);
  const edges = [ones, monomial(127), element(0x80000001, 0, 0, 0x80000000), element(0, -1, 0, -1)];
  for (const a of edges) {
    for (const b of edges) assert.deepEqual(gf128Multiply(a, b), referenceMultiply(a, b));
  }
  const prg = new Prg(testSeed(2, 300));
  for (let trial = 0; trial < 500; trial++) {
    const a = new Uint32Array(prg.bytes(16).buffer);
    const b = new Uint32Array(prg.bytes(16).buffer);
    assert.deepEqual(gf128Multiply(a, b), referenceMultiply(a, b), `trial ${trial}`);
  }
});

Deno.test("GF(2^128): the reference is commutative and distributive (sanity of the oracle)", () => {
  const prg = new Prg(testSeed(3, 300));
  for (let trial = 0; trial < 50; trial++) {
    const [a, b, c] = [0, 1, 2].map(() => new Uint32Array(prg.bytes(16).buffer));
    assert.deepEqual(referenceMultiply(a, b), referenceMultiply(b, a));
    const bc = b.map((x, i) => x ^ c[i]);
    const sum = referenceMultiply(a, b).map((x, i) => x ^ referenceMultiply(a, c)[i]);
    assert.deepEqual(referenceMultiply(a, bc), sum);
  }
});

Deno.test("column hash: Σ_k χ_k·M_{j,k} per row, extra row included, matches the reference", () => {
  const prg = new Prg(testSeed(4, 300));
  const rows = 128;
  for (const columns of [128, 384, 1024]) {
    const words = columns / 32;
    const blocks = columns / 128;
    const matrix = new Uint32Array(prg.bytes(rows * words * 4).buffer);
    const extra = new Uint32Array(prg.bytes(words * 4).buffer);
    const challenges = new Uint32Array(prg.bytes(blocks * 16).buffer);
    const got = new ColumnHasher().hash(matrix, rows, words, extra, challenges);
    assert.equal(got.length, (rows + 1) * 4);
    for (let j = 0; j <= rows; j++) {
      const expected = new Uint32Array(4);
      for (let k = 0; k < blocks; k++) {
        const block = j < rows
          ? matrix.subarray(j * words + 4 * k, j * words + 4 * k + 4)
          : extra.subarray(4 * k, 4 * k + 4);
        const product = referenceMultiply(challenges.subarray(4 * k, 4 * k + 4), block);
        for (let w = 0; w < 4; w++) expected[w] ^= product[w];
      }
      assert.deepEqual(got.subarray(j * 4, j * 4 + 4), expected, `columns ${columns} row ${j}`);
    }
  }
});
