/**
 * Pins the wire protocol: the Mall demo of `deno task launch` (no flags) runs as two real
 * `cli/party.ts` processes with fixed insecure test seeds, a relay in between forwards every
 * byte unchanged, and the SHA-256 and length of each direction's byte stream must equal the
 * constants below.
 *
 * With the test seeds every value a party sends is a function of the seeds, the job options
 * and the data alone, so these digests change only when what goes on the wire changes: frame
 * layout, the handshake, the order or content of any protocol message, the randomness
 * derivation, the fixed-point encoding. Each direction is hashed as one byte stream, so how
 * TCP cuts it into segments does not matter, and nothing that varies between runs (timestamps,
 * timings, file paths) crosses the wire. A refactoring that keeps the protocol keeps them. A
 * commit that changes the protocol on purpose must update the pins (the failure message
 * prints the new values) and say in its message why the transcript changed; a change that was
 * not meant to touch the protocol and still moves them has changed the protocol by accident.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createHash, type Hash } from "node:crypto";
import { freePort } from "../cli/launcher.ts";
import { MALL_ROWS_FOR_A } from "../cli/demo.ts";
import { splitCsv } from "../cli/launch/split.ts";
import { spawnWatched, type WatchedProcess } from "../testing/process.ts";

// The byte counts show at a glance whether a change altered message sizes or only contents.
/** SHA-256 (hex) and length of everything party A (role 0, listening) sent to party B. */
const PINNED_A_TO_B = {
  sha256: "0f2c88a53b8bb1a00332c37bc0f6d5567532dc687cdb45e62595f06d2e8f05cc",
  bytes: 5_050_215,
};
/** SHA-256 (hex) and length of everything party B (role 1, connecting) sent to party A. */
const PINNED_B_TO_A = {
  sha256: "07ff49332121183c0052aca9d7bde44d9ae04646256616aac65543d7a722adc4",
  bytes: 13_036_795,
};

const ROOT = new URL("../", import.meta.url);
const PARTY_SCRIPT = fileURLToPath(new URL("cli/party.ts", ROOT));
const CONFIG = fileURLToPath(new URL("deno.json", ROOT));
const MALL = fileURLToPath(new URL("data/Mall_Customers.csv", ROOT));

/** The whole run, parties and relay included, never takes longer than this. */
const DEADLINE_MS = 120_000;
/** Fixes both parties' private randomness (the launcher's `--seed` passes one value to both). */
const TEST_SEED = "1";

/** The job options `deno task launch` passes to both parties when given no flags. */
const DEMO_JOB_ARGS = [
  "--job",
  "kmeans",
  "--k",
  "5",
  "--max-iter",
  "10",
  "--init",
  "rows:0,40,80,120,160",
  "--features",
  "Annual Income (k$),Spending Score (1-100)",
];

/** Digest and length of one direction of the relayed stream. */
interface DirectionDigest {
  sha256: string;
  bytes: number;
}

type Party = WatchedProcess;

function startParty(role: 0 | 1, address: string, dataPath: string): Party {
  return spawnWatched([
    "run",
    "--quiet",
    "--no-prompt",
    `--config=${CONFIG}`,
    "--allow-read",
    "--allow-net",
    "--allow-env",
    PARTY_SCRIPT,
    "--role",
    String(role),
    role === 0 ? "--listen" : "--connect",
    address,
    "--data",
    dataPath,
    "--insecure-test-seed",
    TEST_SEED,
    ...DEMO_JOB_ARGS,
  ], { PPKM_ALLOW_TEST_SEED: "1" });
}

/** Writes all of `bytes`: a socket write may take only part of them. */
async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) offset += await conn.write(bytes.subarray(offset));
}

/**
 * Copies `from` to `to` unchanged, hashing every byte, until `from` ends; then half-closes
 * `to` so its reader sees the end of the stream while the other direction keeps flowing.
 */
async function forward(from: Deno.Conn, to: Deno.Conn): Promise<DirectionDigest> {
  const hash: Hash = createHash("sha256");
  const buffer = new Uint8Array(1 << 16);
  let bytes = 0;
  for (;;) {
    const n = await from.read(buffer);
    if (n === null) break;
    const chunk = buffer.subarray(0, n);
    hash.update(chunk);
    bytes += n;
    await writeAll(to, chunk);
  }
  await to.closeWrite().catch(() => {}); // the receiving party may have closed already
  return { sha256: hash.digest("hex"), bytes };
}

/** A relay on a free loopback port that connects each accepted client to `targetPort`. */
class HashingRelay {
  readonly #listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly #conns: Deno.TcpConn[] = [];

  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  /** Relays one connection (B's) to A; resolves with both directions' digests. */
  async relayOnce(targetPort: number): Promise<{ aToB: DirectionDigest; bToA: DirectionDigest }> {
    const fromB = await this.#listener.accept();
    this.#conns.push(fromB);
    const toA = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
    this.#conns.push(toA);
    // As the parties' own sockets do: with Nagle's algorithm each of the run's hundreds of
    // rounds would wait for a delayed ACK, multiplying the run time (the bytes stay the same).
    fromB.setNoDelay(true);
    toA.setNoDelay(true);
    const [aToB, bToA] = await Promise.all([forward(toA, fromB), forward(fromB, toA)]);
    return { aToB, bToA };
  }

  /** Stops waiting for a connection (a relayed one keeps flowing). */
  stopAccepting(): void {
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
  }

  close(): void {
    this.stopAccepting();
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }
}

function killQuietly(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // already exited
  }
}

Deno.test("wire transcript of the Mall demo with fixed test seeds equals the pinned digests", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ppkm-wire-transcript-" });
  const relay = new HashingRelay();
  const parties: Party[] = [];
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    deadlineTimer = setTimeout(() => {
      // Unblocks every await below: the killed parties exit, the closed relay stops reading.
      for (const party of parties) killQuietly(party.child);
      relay.close();
      reject(new Error(`no result within ${DEADLINE_MS / 1000} s`));
    }, DEADLINE_MS);
  });
  try {
    const files = await splitCsv({ path: MALL, rowsForA: MALL_ROWS_FOR_A, dir });
    const portA = freePort();
    parties.push(startParty(0, `127.0.0.1:${portA}`, files[0]));
    // The relay connects to A the moment B connects to the relay, so A must be listening.
    await Promise.race([parties[0].waitFor(/^listening on /), deadline]);
    const relayed = relay.relayOnce(portA);
    relayed.catch(() => {}); // awaited below, once both parties have exited
    parties.push(startParty(1, `127.0.0.1:${relay.port}`, files[1]));
    // A party that fails leaves the other waiting on its connect or idle timeout (a minute or
    // more): stop the survivor shortly after, so the failure is reported without that wait.
    for (const [role, party] of parties.entries()) {
      party.done.then((code) => {
        if (code !== 0) graceTimer ??= setTimeout(() => killQuietly(parties[1 - role].child), 5000);
      });
    }
    const [codeA, codeB] = await Promise.race([
      Promise.all(parties.map((party) => party.done)),
      deadline,
    ]);
    // Both parties have exited, so their sockets are closed and the relay's reads end; a B
    // that never connected leaves the relay in accept, which closing the listener ends.
    relay.stopAccepting();
    const output = parties.map((party, role) => `party ${"AB"[role]}:\n${party.lines.join("\n")}`)
      .join("\n");
    assert.equal(codeA, 0, output);
    assert.equal(codeB, 0, output);
    const transcript = await Promise.race([relayed, deadline]);
    assert.deepEqual(
      { aToB: transcript.aToB, bToA: transcript.bToA },
      { aToB: PINNED_A_TO_B, bToA: PINNED_B_TO_A },
      `the wire transcript changed; if the protocol change is deliberate, update the pins to\n` +
        `PINNED_A_TO_B = ${JSON.stringify(transcript.aToB)}\n` +
        `PINNED_B_TO_A = ${JSON.stringify(transcript.bToA)}`,
    );
  } finally {
    clearTimeout(deadlineTimer);
    for (const party of parties) killQuietly(party.child);
    await Promise.allSettled(parties.map((party) => party.done));
    clearTimeout(graceTimer); // only now: a party killed here still arms it on exit
    relay.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
