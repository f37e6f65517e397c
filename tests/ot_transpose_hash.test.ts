/**
 * The bit-matrix transpose against a bit-by-bit reference, and the fixed-key AES permutation, the
 * tweakable hash and its tweak layout against known answers computed with OpenSSL.
 */

import assert from "node:assert/strict";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { Prg } from "../core/prg.ts";
import { fillTweaks, FixedKeyAes, TccrHash, transpose128 } from "../ot/mod.ts";
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

/*
 * Known answers for π and H(t, x) = π(π(x) ⊕ t) ⊕ π(x), computed outside this code base, one
 * 16-byte block per AES call, with
 *   pi() { printf %s "$1" | xxd -r -p |
 *          openssl enc -aes-128-ecb -K 243f6a8885a308d313198a2e03707344 -nopad | xxd -p; }
 * (OpenSSL 3.0; the XORs of the hex strings in python3) and cross-checked with python3
 * `cryptography` 48 (Cipher(AES(key), ECB())). A tweak block for OT index i and block index j
 * is i as 8 bytes little-endian, j as 4 bytes little-endian, then 4 zero bytes.
 */

/** [x, π(x)]. */
const PI_VECTORS = [
  ["00000000000000000000000000000000", "2d89a57aea7ff675d95f27ea0da9f5d3"],
  ["000102030405060708090a0b0c0d0e0f", "8bc27b99d10f7c67795ea2963093ad3f"],
];

/** [x, tweak t, H(t, x)]. */
const HASH_VECTORS = [
  // index 0, block 0
  [
    "00000000000000000000000000000000",
    "00000000000000000000000000000000",
    "d258df24fa7ba8bf8fdb9179e1dec566",
  ],
  // index 2^40 + 3, block 0: the high tweak word is 2^8
  [
    "000102030405060708090a0b0c0d0e0f",
    "03000000000100000000000000000000",
    "d724637a32dca27f5221e1dc86825475",
  ],
  // index 2^53 - 2, block 1
  [
    "ffffffffffffffffffffffffffffffff",
    "feffffffffff1f000100000000000000",
    "f55f8da25a691c5f5d54ae03888deb84",
  ],
  // a tweak with every byte set, then the same x with the zero tweak
  [
    "6b2f9a0c3e51d874a0c4e9172bd65f38",
    "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "78d4b92b738171cd86ef738010b5d53b",
  ],
  [
    "6b2f9a0c3e51d874a0c4e9172bd65f38",
    "00000000000000000000000000000000",
    "7403648849df626f6a76cff87682c5a5",
  ],
];

/** Hex blocks concatenated into one batch. */
function concatHex(hexes: string[]): Uint8Array {
  return hexToBytes(hexes.join(""));
}

/** Block k of a batch, as hex. */
function blockHex(bytes: Uint8Array, k: number): string {
  return bytesToHex(bytes.subarray(k * 16, k * 16 + 16));
}

Deno.test("FixedKeyAes is AES-128 under the fixed key (known answers)", () => {
  const got = new FixedKeyAes().permute(concatHex(PI_VECTORS.map(([x]) => x)));
  PI_VECTORS.forEach(([x, want], k) => assert.equal(blockHex(got, k), want, `pi(${x})`));
});

Deno.test("TCCR hash known answers, batched; the tweaks are left intact", () => {
  const x = concatHex(HASH_VECTORS.map(([x]) => x));
  const tweaks = concatHex(HASH_VECTORS.map(([, t]) => t));
  const tweaksBefore = tweaks.slice();
  const got = new TccrHash().hash(x, tweaks, new Uint8Array(x.length));
  HASH_VECTORS.forEach(([x, t, want], k) => assert.equal(blockHex(got, k), want, `H(${t}, ${x})`));
  assert.deepEqual(tweaks, tweaksBefore);
  // In place (out aliasing x) gives the same answers.
  const inPlace = new TccrHash().hash(x, tweaks, x);
  HASH_VECTORS.forEach(([, , want], k) => assert.equal(blockHex(inPlace, k), want));
});

Deno.test("fillTweaks writes the OT index (64-bit little-endian) and the block index", () => {
  assert.equal(
    bytesToHex(fillTweaks(new Uint8Array(16), 2 ** 40 + 3, 1, 1)),
    "03000000000100000000000000000000",
  );
  assert.equal(
    bytesToHex(fillTweaks(new Uint8Array(64), 2 ** 53 - 2, 2, 2)),
    "feffffffffff1f000000000000000000" + "feffffffffff1f000100000000000000" +
      "ffffffffffff1f000000000000000000" + "ffffffffffff1f000100000000000000",
  );
});

/*
 * hashIndexed over 10000 blocks (two stacked halves of 5000 OTs, so block k has OT index
 * 2^32 - 3000 + (k mod 5000)): the batch spans two of the module's 8192-block AES pieces and the
 * index crosses 2^32 at block 3000. Block k of x is k as 4 bytes little-endian, then 12 bytes
 * 0x5a. Expected values: H(t, x) as above (openssl, cross-checked with python3 `cryptography`).
 */
const INDEXED_FIRST = 2 ** 32 - 3000;
const INDEXED_OTS = 5000;
const INDEXED_VECTORS: [number, string][] = [
  [0, "ef86b60963bbeef2e3c31b881de81a09"], // tweak 48f4ffff000000000000000000000000
  [2999, "c159fa6648c87675c11e1678e9448596"], // tweak ffffffff000000000000000000000000
  [3000, "c91ea30c88906a7beedd94a101fb0e30"], // tweak 00000000010000000000000000000000
  [4999, "4335bc0f7c8c7acb2c173bc018456e08"], // tweak cf070000010000000000000000000000
  [5000, "954fdfc7b053e9d52216ba58d67ad231"], // tweak 48f4ffff000000000000000000000000
  [8191, "9bfcd49c4ce217f9f7afa1eec52bb312"], // tweak bf000000010000000000000000000000
  [8192, "5afb48c4ae62e532f300d29b89ab60f8"], // tweak c0000000010000000000000000000000
  [8193, "2597ab228c6e95db125f6d54eee547e0"], // tweak c1000000010000000000000000000000
  [9999, "d674d741644b347811ae8a615d28c04d"], // tweak cf070000010000000000000000000000
];

Deno.test("hashIndexed known answers across AES pieces and the 2^32 index carry", () => {
  const blocks = 2 * INDEXED_OTS;
  const x = new Uint8Array(blocks * 16).fill(0x5a);
  const view = new DataView(x.buffer);
  for (let k = 0; k < blocks; k++) view.setUint32(k * 16, k, true);
  const hash = new TccrHash();
  const got = hash.hashIndexed(x, INDEXED_FIRST, INDEXED_OTS, new Uint8Array(x.length));
  const inPlace = hash.hashIndexed(x.slice(), INDEXED_FIRST, INDEXED_OTS, x);
  for (const [k, want] of INDEXED_VECTORS) {
    assert.equal(blockHex(got, k), want, `block ${k}`);
    assert.equal(blockHex(inPlace, k), want, `block ${k} in place`);
  }
});

Deno.test("TCCR hash depends on the tweak", () => {
  const x = new Uint8Array(32); // two equal inputs
  const tweaks = fillTweaks(new Uint8Array(32), 0, 2, 1);
  const h = new TccrHash().hash(x, tweaks, new Uint8Array(32));
  assert.notDeepEqual(h.subarray(0, 16), h.subarray(16));
});
