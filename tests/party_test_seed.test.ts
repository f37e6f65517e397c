/**
 * The insecure test seed and the public init seed are separate (security review finding 1):
 * the test-seed flag is refused without PPKM_ALLOW_TEST_SEED=1 or off loopback, it never
 * reaches the handshake, the public `--init-seed` does not touch private randomness, and the
 * same test seed gives byte-identical transcripts. Two `cli/party.ts` processes talk through
 * a recording TCP proxy in this test process.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { freePort } from "../cli/launcher.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const PARTY = `${ROOT}cli/party.ts`;
const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-net", "--allow-env"];
const TEST_SEED = "987654321";

const dir = await Deno.makeTempDir({ prefix: "ppkm-test-seed-" });
await Deno.writeTextFile(`${dir}/a.csv`, "x,y\n0,0\n1,0\n0,1\n10,10\n");
await Deno.writeTextFile(`${dir}/b.csv`, "x,y\n11,10\n10,11\n5,5\n20,0\n");
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

function party(role: 0 | 1, address: string, extra: string[], env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMISSIONS,
      PARTY,
      "--role",
      String(role),
      role === 0 ? "--listen" : "--connect",
      address,
      "--job",
      "kmeans",
      "--data",
      `${dir}/${role === 0 ? "a" : "b"}.csv`,
      "--features",
      "x,y",
      "--k",
      "2",
      "--max-iter",
      "2",
      "--init",
      "random",
      ...extra,
    ],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Forwards src to dst, keeping a copy of every byte. */
async function pipe(src: Deno.Conn, dst: Deno.Conn, record: Uint8Array[]): Promise<void> {
  const buffer = new Uint8Array(64 << 10);
  try {
    for (;;) {
      const n = await src.read(buffer);
      if (n === null) break;
      record.push(buffer.slice(0, n));
      let off = 0;
      while (off < n) off += await dst.write(buffer.subarray(off, n));
    }
  } catch {
    // the other side closed
  }
  try {
    dst.closeWrite();
  } catch {
    // already closed
  }
}

function joined(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** The frames of one direction (after the 8-byte stream preamble). */
function frames(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  for (let off = 8; off + 4 <= stream.length;) {
    const length = view.getUint32(off, true);
    out.push(stream.subarray(off + 4, off + 4 + length));
    off += 4 + length;
  }
  return out;
}

interface Transcript {
  /** Party A -> party B bytes, and B -> A. */
  aToB: Uint8Array;
  bToA: Uint8Array;
}

/** Runs both parties through the recording proxy; both must succeed. */
async function recordedRun(extra: string[], env: Record<string, string>): Promise<Transcript> {
  const portA = freePort();
  const proxy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const proxyPort = (proxy.addr as Deno.NetAddr).port;
  const a = party(0, `127.0.0.1:${portA}`, extra, env);
  const b = party(1, `127.0.0.1:${proxyPort}`, extra, env);
  const aToB: Uint8Array[] = [];
  const bToA: Uint8Array[] = [];
  const fromB = await proxy.accept();
  proxy.close();
  let toA: Deno.Conn | undefined;
  for (let attempt = 0; !toA; attempt++) {
    try {
      toA = await Deno.connect({ hostname: "127.0.0.1", port: portA });
    } catch (error) {
      if (attempt > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  await Promise.all([pipe(fromB, toA, bToA), pipe(toA, fromB, aToB)]);
  const outputs = await Promise.all([a.output(), b.output()]);
  fromB.close();
  toA.close();
  for (const output of outputs) {
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  }
  return { aToB: joined(aToB), bToA: joined(bToA) };
}

/** Party A sends hello, commitment, opening, then base OT; party B hello, share, base OT. */
function firstBaseOtFrames(t: Transcript): [Uint8Array, Uint8Array] {
  // A: hello, coin-toss commitment, opening, seed confirmation; B: hello, share, confirmation.
  return [frames(t.aToB)[4], frames(t.bToA)[3]];
}

function hello(frame: Uint8Array): { nonce: string; params: Record<string, unknown> } {
  return JSON.parse(new TextDecoder().decode(frame.subarray(10)));
}

const ALLOWED = { PPKM_ALLOW_TEST_SEED: "1" };

Deno.test("the insecure test seed is refused without PPKM_ALLOW_TEST_SEED=1 (exit 2, one line)", async () => {
  const output = await party(0, "127.0.0.1:0", ["--insecure-test-seed", "1"], {
    PPKM_ALLOW_TEST_SEED: "0",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.equal(output.code, 2, stderr);
  assert.equal(stderr.split("\n").length, 1, stderr);
  assert.match(stderr, /^error: --insecure-test-seed .* PPKM_ALLOW_TEST_SEED=1/);
});

Deno.test("the insecure test seed is refused on a non-loopback address even when allowed", async () => {
  const output = await party(0, "0.0.0.0:0", ["--insecure-test-seed", "1"], ALLOWED).output();
  const stderr = new TextDecoder().decode(output.stderr).trim();
  assert.equal(output.code, 2, stderr);
  assert.equal(stderr.split("\n").length, 1, stderr);
  assert.match(stderr, /non-loopback address 0\.0\.0\.0/);
});

Deno.test("same test seed: identical transcripts; the test seed is never in the handshake", async () => {
  const args = ["--insecure-test-seed", TEST_SEED, "--init-seed", "1"];
  const first = await recordedRun(args, ALLOWED);
  const second = await recordedRun(args, ALLOWED);
  assert.deepEqual(first.aToB, second.aToB);
  assert.deepEqual(first.bToA, second.bToA);
  for (const stream of [first.aToB, first.bToA]) {
    const text = new TextDecoder().decode(frames(stream)[0]);
    assert.ok(!text.includes(TEST_SEED), "test seed value in the hello");
    assert.doesNotMatch(text, /insecure|test/i);
    const params = hello(frames(stream)[0]).params;
    assert.equal(params.initSeed, 1);
    assert.ok(!Object.keys(params).some((key) => /seed/i.test(key) && key !== "initSeed"));
  }
});

Deno.test("the public init seed does not change the private randomness", async () => {
  const withInit = (initSeed: string, testSeed?: string) => [
    "--init-seed",
    initSeed,
    ...(testSeed ? ["--insecure-test-seed", testSeed] : []),
  ];
  // Same test seed, different init seeds: the hellos differ, base-OT messages do not.
  const one = await recordedRun(withInit("1", TEST_SEED), ALLOWED);
  const two = await recordedRun(withInit("2", TEST_SEED), ALLOWED);
  assert.equal(hello(frames(one.aToB)[0]).params.initSeed, 1);
  assert.equal(hello(frames(two.aToB)[0]).params.initSeed, 2);
  assert.deepEqual(firstBaseOtFrames(one), firstBaseOtFrames(two));
  // No test seed, same init seed: fresh randomness every run.
  const fresh1 = await recordedRun(withInit("1"), ALLOWED);
  const fresh2 = await recordedRun(withInit("1"), ALLOWED);
  const [a1, b1] = firstBaseOtFrames(fresh1);
  const [a2, b2] = firstBaseOtFrames(fresh2);
  assert.ok(a1.length > 0 && b1.length > 0);
  assert.notDeepEqual(a1, a2);
  assert.notDeepEqual(b1, b2);
  assert.notEqual(hello(frames(fresh1.aToB)[0]).nonce, hello(frames(fresh2.aToB)[0]).nonce);
  // And the seeded run's base OT differs from both fresh ones.
  assert.notDeepEqual(firstBaseOtFrames(one)[0], a1);
});
