/** The bit-matrix transpose and the tweakable hash against straightforward reference code. */

import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { Prg } from "../core/prg.ts";
import { fillTweaks, TccrHash, transpose128 } from "../ot/mod.ts";
import { testSeed } from "../testing/mpc_pair.ts";

Deno.test("transpose128 matches a bit-by-bit transpose", () => {
  for (const columns of [32, 128, 4096]) {
    const bytes = new Prg(testSeed(columns, 1)).bytes(128 * columns / 8);
    const rows = new Uint32Array(bytes.buffer);
    const out = transpose128(rows, columns, new Uint32Array(columns * 4));
    const outBytes = new Uint8Array(out.buffer);
    const rowBytes = columns / 8;
    for (let i = 0; i < columns; i++) {
      for (let j = 0; j < 128; j++) {
        const inBit = (bytes[j * rowBytes + (i >> 3)] >> (i & 7)) & 1;
        const outBit = (outBytes[i * 16 + (j >> 3)] >> (j & 7)) & 1;
        if (inBit !== outBit) assert.fail(`bit (${j}, ${i}) not transposed`);
      }
    }
  }
});

Deno.test("TCCR hash equals pi(pi(x) xor i) xor pi(x) computed block by block", () => {
  const n = 50;
  const x = new Prg(testSeed(2, 2)).bytes(n * 16);
  const tweaks = fillTweaks(new Uint8Array(n * 16), 2 ** 40 + 3, n, 1);
  const got = new TccrHash().hash(x, tweaks, new Uint8Array(n * 16));
  const key = Uint8Array.from([
    0x24,
    0x3f,
    0x6a,
    0x88,
    0x85,
    0xa3,
    0x08,
    0xd3,
    0x13,
    0x19,
    0x8a,
    0x2e,
    0x03,
    0x70,
    0x73,
    0x44,
  ]);
  const pi = (block: Uint8Array) => {
    const c = createCipheriv("aes-128-ecb", key, null);
    c.setAutoPadding(false);
    return new Uint8Array(c.update(block));
  };
  for (let k = 0; k < n; k++) {
    const index = 2 ** 40 + 3 + k;
    const tweak = new Uint8Array(16);
    new DataView(tweak.buffer).setBigUint64(0, BigInt(index), true);
    const px = pi(x.subarray(k * 16, k * 16 + 16));
    const inner = pi(px.map((b, t) => b ^ tweak[t]));
    assert.deepEqual(got.subarray(k * 16, k * 16 + 16), inner.map((b, t) => b ^ px[t]));
  }
  // Tweaks are left intact for reuse.
  assert.deepEqual(tweaks, fillTweaks(new Uint8Array(n * 16), 2 ** 40 + 3, n, 1));
});

Deno.test("TCCR hash depends on the tweak", () => {
  const x = new Uint8Array(32); // two equal inputs
  const tweaks = fillTweaks(new Uint8Array(32), 0, 2, 1);
  const h = new TccrHash().hash(x, tweaks, new Uint8Array(32));
  assert.notDeepEqual(h.subarray(0, 16), h.subarray(16));
});
