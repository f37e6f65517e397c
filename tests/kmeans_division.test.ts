/**
 * Exact secure long division (kmeans/secure_division.ts) against BigInt floor division, with
 * shared and public divisors, and the rounding rule of the fixed-point reference.
 */
import assert from "node:assert/strict";
import { memoryContextPair } from "../testing/mpc_pair.ts";
import { secureDivide } from "../kmeans/secure/division.ts";
import { Prg } from "../core/prg.ts";
import { testSeed } from "../testing/mpc_pair.ts";

function split(values: bigint[], prg: Prg): [BigUint64Array, BigUint64Array] {
  const mask = prg.ring(values.length);
  const other = BigUint64Array.from(values, (v, i) => BigInt.asUintN(64, v - mask[i]));
  return [mask, other];
}

async function divide(
  numerators: bigint[],
  divisors: bigint[],
  groupLength: number,
  publicD: boolean,
) {
  const contexts = await memoryContextPair(21);
  const prg = new Prg(testSeed(21, 5));
  const [n0, n1] = split(numerators, prg);
  const [d0, d1] = publicD
    ? [BigUint64Array.from(divisors), BigUint64Array.from(divisors)]
    : split(divisors, prg);
  const bounds = { quotientBits: 20, maxDivisor: 1000 };
  const [q0, q1] = await Promise.all([
    secureDivide(
      contexts[0],
      n0,
      d0,
      groupLength,
      bounds,
      publicD,
    ),
    secureDivide(
      contexts[1],
      n1,
      d1,
      groupLength,
      bounds,
      publicD,
    ),
  ]);
  contexts[0].channel.close();
  return Array.from(q0, (v, i) => BigInt.asUintN(64, v + q1[i]));
}

function cases(count: number, seed: number) {
  const prg = new Prg(testSeed(seed, 7));
  const divisors: bigint[] = [];
  const numerators: bigint[] = [];
  for (let g = 0; g < count; g++) {
    const d = BigInt(1 + prg.uniformInt(1000));
    divisors.push(d);
    // N < D · 2^20, including the edges 0 and D·2^20 − 1.
    const top = d * (1n << 20n);
    numerators.push(g === 0 ? 0n : g === 1 ? top - 1n : BigInt(prg.uniformInt(2 ** 30)) % top);
  }
  return { numerators, divisors };
}

Deno.test("secure long division with shared divisors equals floor division", async () => {
  const { numerators, divisors } = cases(40, 1);
  const quotients = await divide(numerators, divisors, 1, false);
  assert.deepEqual(quotients, numerators.map((n, i) => n / divisors[i]));
});

Deno.test("secure long division with public divisors equals floor division", async () => {
  const { numerators, divisors } = cases(40, 2);
  const quotients = await divide(numerators, divisors, 1, true);
  assert.deepEqual(quotients, numerators.map((n, i) => n / divisors[i]));
});

Deno.test("grouped numerators share one divisor; rounding rule (2S + c) / 2c", async () => {
  // Means of sums S over counts c, rounded to nearest with halves up, as the reference does.
  const sums = [7n, 9n, 10n, 11n];
  const counts = [2n, 4n];
  const numerators = sums.map((s, i) => 2n * s + counts[i >> 1]);
  const quotients = await divide(numerators, counts.map((c) => 2n * c), 2, false);
  assert.deepEqual(quotients, [4n, 5n, 3n, 3n]); // 3.5→4, 4.5→5, 2.5→3, 2.75→3
});
