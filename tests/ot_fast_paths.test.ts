/**
 * The batched fast paths of OT extension and Gilboa products against their reference forms:
 * the WebAssembly transpose against the JavaScript one, the one-pass TCCR hash against
 * per-block tweaks, the lock-step row generators against the
 * per-key PRG, and the doubled (63-OT) product against the plaintext 2·b·x.
 */

import assert from "node:assert/strict";
import { Prg } from "../core/prg.ts";
import { fillTweaks, gilboaFoldReceiver, gilboaFoldSender, TccrHash } from "../ot/mod.ts";
import { RowExpander } from "../ot/row_prg.ts";
import { transpose128 } from "../ot/transpose.ts";
import { MatrixTransposer } from "../ot/transpose_wasm.ts";
import {
  doubledProductReceiver,
  doubledProductSender,
  gilboaReceiver,
  gilboaSender,
} from "../protocol/gilboa.ts";
import type { MpcContext } from "../protocol/context.ts";
import type { OtExtensionReceiver, OtExtensionSender } from "../ot/types.ts";
import { memoryContextPair, testSeed } from "../testing/mpc_pair.ts";

Deno.test("hashIndexed equals hash with fillTweaks, the tweak repeating per stacked half", () => {
  const shapes = [[1, 1, 0], [37, 2, 2 ** 40 + 5], [300, 3, 123456], [5000, 3, 2 ** 32 - 2500]];
  for (const [n, halves, first] of shapes) {
    const x = new Prg(testSeed(n, 3)).bytes(n * halves * 16);
    const got = new TccrHash().hashIndexed(x, first, n, new Uint8Array(x.length));
    const hash = new TccrHash();
    for (let h = 0; h < halves; h++) {
      const part = x.slice(h * n * 16, (h + 1) * n * 16);
      const want = hash.hash(part, fillTweaks(new Uint8Array(n * 16), first, n, 1), part);
      assert.deepEqual(got.subarray(h * n * 16, (h + 1) * n * 16), want, `half ${h}`);
    }
  }
});

Deno.test("hashIndexed rejects a batch that is not whole stacks of OTs", () => {
  assert.throws(() => new TccrHash().hashIndexed(new Uint8Array(48), 0, 2, new Uint8Array(48)));
});

Deno.test("RowExpander rows are the per-key PRG keystreams, chunk after chunk", () => {
  const keys = new Prg(testSeed(5, 5)).bytes(4 * 16);
  const expander = new RowExpander(keys);
  const prgs = [0, 1, 2, 3].map((j) => new Prg(keys.subarray(j * 16, j * 16 + 16)));
  for (const rowBytes of [16, 4096, 48]) {
    const seen: number[] = [];
    expander.expand(rowBytes, (j, row) => {
      seen.push(j);
      assert.deepEqual(
        new Uint8Array(row.buffer, row.byteOffset, rowBytes),
        prgs[j].bytes(rowBytes),
      );
    });
    assert.deepEqual(seen, [0, 1, 2, 3]);
  }
});

Deno.test("doubled product shares reconstruct to 2·b·x mod 2^64 (scalars and vectors)", async () => {
  const [c0, c1] = await memoryContextPair(61);
  const M = 1n << 64n;
  for (const vectorLength of [1, 3]) {
    const count = 150;
    const x = c0.prg.ring(count * vectorLength);
    const b = c1.prg.ring(count);
    b[0] = (1n << 64n) - 1n; // all 64 bits set: bit 63 must not matter
    x[0] = (1n << 64n) - 1n;
    const [s0, s1] = await Promise.all([
      doubledProductSender(c0, x, vectorLength),
      doubledProductReceiver(c1, b, vectorLength),
    ]);
    const z = s0.map((v, i) => v + s1[i]); // reconstruction mod 2^64
    for (let t = 0; t < count; t++) {
      for (let v = 0; v < vectorLength; v++) {
        const i = t * vectorLength + v;
        assert.equal(z[i], (2n * b[t] * x[i]) % M, `product ${t}, element ${v}`);
      }
    }
  }
});

Deno.test("WebAssembly SIMD transpose equals transpose128 (and is in use)", () => {
  const matrix = new MatrixTransposer();
  assert.ok(matrix.usesWasm, "WebAssembly SIMD transpose did not compile");
  for (const columns of [128, 384, 4096, 65536, 256]) {
    const input = matrix.input(columns);
    new Prg(testSeed(columns, 9)).fill(
      new Uint8Array(input.buffer, input.byteOffset, input.byteLength),
    );
    const want = transpose128(input.slice(), columns, new Uint32Array(columns * 4));
    assert.deepEqual(matrix.transpose(columns), new Uint8Array(want.buffer), `${columns} columns`);
  }
});

Deno.test("ring COT over a ramped chunk schedule (odd count) gives m0 + c·x mod 2^w", async () => {
  const [c0, c1] = await memoryContextPair(62);
  // Ramp up (16384, 32768, 65536), full chunks of 131072 and a partial one, ramp down, and an
  // odd tail that is not a multiple of 128.
  const count = 2 * 114688 + 2 * 131072 + 3 * 16384 + 1077;
  const widths = Uint8Array.from({ length: count }, (_, i) => 1 + ((i * 13) % 64));
  const x = c0.prg.ring(count);
  const [m0, got] = await Promise.all([
    c0.ot.sender.correlatedOtRing(x, 1, widths),
    c1.ot.receiver.correlatedOtRing(count, 1, widths),
  ]);
  for (let i = 0; i < count; i++) {
    const mask = (1n << BigInt(widths[i])) - 1n;
    const c = (got.choices[i >> 3] >> (i & 7)) & 1;
    const want = (m0[i] + (c ? x[i] : 0n)) & mask;
    if (got.values[i] !== want) assert.fail(`OT ${i}: ${got.values[i]} != ${want}`);
  }
});

Deno.test("RowExpander.expandPair hands over both keys' rows in lock step", () => {
  const keys = new Prg(testSeed(6, 6)).bytes(2 * 3 * 16);
  const [a, b] = [new RowExpander(keys.subarray(0, 48)), new RowExpander(keys.subarray(48))];
  const prgs = [0, 1, 2, 3, 4, 5].map((j) => new Prg(keys.subarray(j * 16, j * 16 + 16)));
  const bytes = (row: Uint32Array) => new Uint8Array(row.buffer, row.byteOffset, row.byteLength);
  for (const rowBytes of [32, 160]) {
    a.expandPair(b, rowBytes, (j, row, other) => {
      assert.deepEqual(bytes(row), prgs[j].bytes(rowBytes));
      assert.deepEqual(bytes(other), prgs[3 + j].bytes(rowBytes));
    });
  }
  b.expand(16, () => {});
  assert.throws(() => a.expandPair(b, 16, () => {}), /lock step/);
});

/** The same context with the Gilboa fold written generically over the endpoints' ring OT. */
function genericOt(ctx: MpcContext): MpcContext {
  const { sender, receiver } = ctx.ot;
  const wrappedSender: OtExtensionSender = {
    delta: sender.delta,
    randomOt: sender.randomOt.bind(sender),
    correlatedOt: sender.correlatedOt.bind(sender),
    correlatedOtRing: sender.correlatedOtRing.bind(sender),
    gilboaFold: (vectors, vectorLength, shift) =>
      gilboaFoldSender(sender, vectors, vectorLength, shift),
    chosenOt: sender.chosenOt.bind(sender),
  };
  const wrappedReceiver: OtExtensionReceiver = {
    randomOt: receiver.randomOt.bind(receiver),
    correlatedOt: receiver.correlatedOt.bind(receiver),
    correlatedOtRing: receiver.correlatedOtRing.bind(receiver),
    gilboaFold: (scalars, vectorLength, shift) =>
      gilboaFoldReceiver(receiver, scalars, vectorLength, shift),
    chosenOt: receiver.chosenOt.bind(receiver),
  };
  return { ...ctx, ot: { sender: wrappedSender, receiver: wrappedReceiver } };
}

Deno.test("folded and generic Gilboa products both equal b·x and send the same bytes", async () => {
  const [c0, c1] = await memoryContextPair(63);
  const count = 3000; // 192,000 OTs: several chunks on the folded path, two calls on neither
  const x = c0.prg.ring(count);
  const b = c1.prg.ring(count);
  const M = 1n << 64n;
  const traffic: number[] = [];
  for (const [p0, p1] of [[c0, c1], [genericOt(c0), genericOt(c1)]]) {
    const before = c0.channel.stats.total.bytesSent + c1.channel.stats.total.bytesSent;
    const [s0, s1] = await Promise.all([gilboaSender(p0, x, 1), gilboaReceiver(p1, b, 1)]);
    traffic.push(c0.channel.stats.total.bytesSent + c1.channel.stats.total.bytesSent - before);
    for (let t = 0; t < count; t++) {
      if ((s0[t] + s1[t]) % M !== (b[t] * x[t]) % M) assert.fail(`product ${t}`);
    }
  }
  // 64 OTs of 16 bytes of u matrix plus 2080 correction bits per product.
  assert.deepEqual(traffic, [count * (64 * 16 + 260), count * (64 * 16 + 260)]);
});

Deno.test("maskRows gives input ⊕ second ⊕ mask per row (WebAssembly path)", () => {
  const matrix = new MatrixTransposer();
  for (const columns of [128, 1024]) {
    const words = columns / 32;
    const t = matrix.input(columns);
    const { second, mask } = matrix.maskBuffers(columns);
    const prg = new Prg(testSeed(columns, 10));
    for (const view of [t, second, mask]) {
      prg.fill(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    }
    const got = new Uint32Array(matrix.maskRows(columns).slice().buffer);
    for (let j = 0; j < 128; j++) {
      for (let w = 0; w < words; w++) {
        const i = j * words + w;
        if (got[i] !== ((t[i] ^ second[i] ^ mask[w]) >>> 0)) assert.fail(`row ${j} word ${w}`);
      }
    }
  }
});
