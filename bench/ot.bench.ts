/**
 * In-memory OT benchmarks (`deno bench bench/ot.bench.ts`): both parties in one process over
 * the in-memory channel, so each number is the CPU time of BOTH sides together. The
 * two-process TCP figures come from `deno task bench-ot`.
 *
 * @module
 */

import { memoryChannelPair } from "../party/memory_channel.ts";
import { Prg } from "../core/prg.ts";
import {
  fillTweaks,
  type IknpEndpoints,
  setupOtEndpoints,
  TccrHash,
  transpose128,
} from "../ot/mod.ts";
import { createWasmTranspose } from "../ot/transpose_wasm.ts";

const seed = (b: number) => new Uint8Array(16).fill(b); // benchmark only: fixed seeds
const sid = seed(9);

async function pair(): Promise<[IknpEndpoints, IknpEndpoints]> {
  const [c0, c1] = memoryChannelPair();
  return await Promise.all([
    setupOtEndpoints(c0, 0, new Prg(seed(1)), sid),
    setupOtEndpoints(c1, 1, new Prg(seed(2)), sid),
  ]);
}

const [p0, p1] = await pair();

Deno.bench(
  { name: "128 base OTs each way (both parties)", group: "base", n: 10, warmup: 2 },
  async () => {
    await pair();
  },
);

for (const log of [20, 24]) {
  const count = 2 ** log;
  Deno.bench({
    name: `random OT 2^${log}, streamed (both parties)`,
    group: "rot",
    n: log === 24 ? 2 : 5,
    warmup: 1,
  }, async () => {
    await Promise.all([
      p0.sender.randomOtStream(count, () => {}),
      p1.receiver.randomOtStream(count, undefined, () => {}),
    ]);
  });
}

Deno.bench(
  { name: "global-delta COT 2^20 (both parties)", group: "rot", n: 5, warmup: 1 },
  async () => {
    await Promise.all([p0.sender.correlatedOt(2 ** 20), p1.receiver.correlatedOt(2 ** 20)]);
  },
);

const products = 1024;
const widths = Uint8Array.from({ length: 64 * products }, (_, i) => 64 - (i % 64));
const correlations = new Prg(seed(3)).ring(64 * products);
Deno.bench({
  name: `ring COT for ${products} Gilboa products (64 OTs, 2080 bits each)`,
  group: "cot",
  n: 10,
  warmup: 2,
}, async () => {
  await Promise.all([
    p0.sender.correlatedOtRing(correlations, 1, widths),
    p1.receiver.correlatedOtRing(64 * products, 1, widths),
  ]);
});

const chosenCount = 2 ** 16;
const m0 = new Prg(seed(4)).bytes(chosenCount * 8);
const m1 = new Prg(seed(5)).bytes(chosenCount * 8);
const choices = new Prg(seed(6)).bytes(chosenCount / 8);
Deno.bench(
  { name: "chosen OT 2^16 × 8-byte messages", group: "cot", n: 10, warmup: 2 },
  async () => {
    await Promise.all([
      p0.sender.chosenOt(m0, m1, 8),
      p1.receiver.chosenOt(choices, chosenCount, 8),
    ]);
  },
);

const columns = 2 ** 16;
const matrix = new Uint32Array(128 * columns / 32);
const transposed = new Uint32Array(columns * 4);
Deno.bench({ name: "transpose 128 × 2^16 bits (JS)", group: "kernels" }, () => {
  transpose128(matrix, columns, transposed);
});

const wasmTranspose = createWasmTranspose();
if (wasmTranspose) {
  wasmTranspose.prepare(columns);
  Deno.bench({ name: "transpose 128 × 2^16 bits (WebAssembly SIMD)", group: "kernels" }, () => {
    wasmTranspose.run();
  });
}

const hash = new TccrHash();
const blocks = new Uint8Array(columns * 16);
const tweaks = fillTweaks(new Uint8Array(columns * 16), 0, columns, 1);
const hashed = new Uint8Array(columns * 16);
Deno.bench({ name: "TCCR hash 2^16 blocks", group: "kernels" }, () => {
  hash.hash(blocks, tweaks, hashed);
});
