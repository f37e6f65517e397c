/**
 * The runtime end to end with real processes: `cli/launch.ts` runs both parties over TCP and
 * gets the plaintext column totals; two processes stream 256 MiB at each other with every
 * byte checked; a parameter mismatch stops both with exit code 2 naming the parameter; killing
 * either party makes the other exit non-zero with one clear line in under 5 s (mid-stream of
 * net-bench and mid-run of k-means); garbage on the port and bad options are one-line errors;
 * a man in the middle flipping a coin-toss bit stops both parties with a seed mismatch; the
 * no-TLS warning goes to stderr.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { freePort, launchParties } from "../cli/launcher.ts";
import { spawnWatched, type WatchedProcess } from "../testing/process.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MALL = `${ROOT}data/Mall_Customers.csv`;
const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-net", "--allow-env", "--allow-run"];

type Running = WatchedProcess;

function start(script: string, args: string[]): Running {
  return spawnWatched(["run", "--quiet", ...PERMISSIONS, `${ROOT}${script}`, ...args]);
}

function errorLines(lines: string[]): string[] {
  return lines.filter((line) => line.startsWith("error:"));
}

/**
 * Kills `parties[victim]` with SIGKILL and checks that the other party exits non-zero within
 * 5 s with exactly one error line naming the lost peer; returns the survivor.
 */
async function assertSurvivorStops(parties: Running[], victim: number): Promise<Running> {
  const killedAt = Date.now();
  parties[victim].child.kill("SIGKILL");
  const survivor = parties[1 - victim];
  const code = await Promise.race([
    survivor.done,
    new Promise<number>((resolve) => setTimeout(() => resolve(-1), 5000)),
  ]);
  if (code === -1) survivor.child.kill("SIGKILL");
  await Promise.all(parties.map((party) => party.done));
  assert.notEqual(code, -1, "survivor still running 5 s after its peer was killed");
  assert.notEqual(code, 0, survivor.lines.join("\n"));
  assert.ok(Date.now() - killedAt < 5000);
  const errors = errorLines(survivor.lines);
  assert.equal(errors.length, 1, survivor.lines.join("\n"));
  assert.match(errors[0], /peer .* closed the connection|connection to peer .* failed/);
  return survivor;
}

/** Column totals of the Mall data computed directly from the file (the plaintext reference). */
async function mallTotals(columns: string[]): Promise<number[]> {
  const [header, ...rows] = (await Deno.readTextFile(MALL)).trim().split("\n");
  const index = columns.map((name) => header.split(",").indexOf(name));
  return index.map((i) => rows.reduce((sum, row) => sum + Number(row.split(",")[i]), 0));
}

Deno.test("launch: the secure-sum job sums Mall rows 1-100 and 101-200 over TCP", async () => {
  const run = start("cli/launch.ts", ["--job", "secure-sum"]);
  const code = await run.done;
  assert.equal(code, 0, run.lines.join("\n"));
  assert.ok(run.lines.some((line) => line.startsWith("[A] ")));
  assert.ok(run.lines.some((line) => line.startsWith("[B] ")));
  const resultLine = run.lines.find((line) => line.startsWith("[launch] both parties finished"));
  assert.ok(resultLine, run.lines.join("\n"));
  const result = JSON.parse(resultLine.slice(resultLine.indexOf("{")));
  const columns = ["Age", "Annual Income (k$)", "Spending Score (1-100)"];
  assert.deepEqual(result.features, columns);
  assert.deepEqual(result.rows, [100, 100]);
  assert.deepEqual(result.totals, await mallTotals(columns));
});

Deno.test("two processes stream 256 MiB in both directions at once, every byte checked", async () => {
  const outcome = await launchParties({
    commonArgs: ["--job", "net-bench", "--stream-mib", "256", "--pings", "50", "--verify"],
    log: () => {},
  });
  assert.deepEqual(outcome.exitCodes, [0, 0]);
  for (
    const report of outcome.reports as {
      result: { verified: boolean };
      traffic: { byPhase: Record<string, { bytesReceived: number }> };
    }[]
  ) {
    assert.equal(report.result.verified, true);
    // one-way (A only) + two-way: A sends 512 MiB, B 256 MiB, plus small control frames.
    assert.ok(report.traffic.byPhase["two-way"].bytesReceived >= 256 * 2 ** 20);
  }
});

Deno.test("parameter mismatch: both parties exit 2 and name the parameter", async () => {
  const lines: string[] = [];
  const outcome = await launchParties({
    commonArgs: ["--job", "secure-sum", "--data", MALL],
    partyArgs: [["--columns", "Age,Annual Income (k$)"], ["--columns", "Age"]],
    log: (line) => lines.push(line),
    errorLog: (line) => lines.push(line),
  });
  assert.deepEqual(outcome.exitCodes, [2, 2], lines.join("\n"));
  for (const party of ["A", "B"]) {
    const error = lines.find((line) => line.startsWith(`[${party}] error:`));
    assert.ok(error, lines.join("\n"));
    assert.match(error, /parameters differ.*"features" is \[/);
  }
});

for (const victim of [0, 1]) {
  Deno.test(`killing party ${"AB"[victim]} mid-stream makes the other exit non-zero within 5 s`, async () => {
    const port = freePort();
    const job = ["--job", "net-bench", "--stream-mib", "1000000", "--frame-mib", "4"];
    const parties = [
      start("cli/party.ts", ["--role", "0", "--listen", `127.0.0.1:${port}`, ...job]),
      start("cli/party.ts", ["--role", "1", "--connect", `127.0.0.1:${port}`, ...job]),
    ];
    await Promise.all(parties.map((party) => party.waitFor(/session established/)));
    await new Promise((resolve) => setTimeout(resolve, 300)); // well into the stream
    await assertSurvivorStops(parties, victim);
  });
}

Deno.test("garbage on the listening port: the party exits 1 with one clear line", async () => {
  const port = freePort();
  const party = start("cli/party.ts", [
    "--role",
    "0",
    "--listen",
    `127.0.0.1:${port}`,
    "--job",
    "net-bench",
  ]);
  await party.waitFor(/listening on/);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n"));
  const code = await party.done;
  conn.close();
  assert.equal(code, 1);
  const errors = errorLines(party.lines);
  assert.equal(errors.length, 1, party.lines.join("\n"));
  assert.match(errors[0], /does not speak this protocol/);
});

Deno.test("bad command-line options: exit 2 with one line, no stack trace", async () => {
  for (
    const [args, pattern] of [
      [["--role", "3", "--listen", "127.0.0.1:1"], /--role must be 0 or 1/],
      [["--role", "0"], /exactly one of --listen/],
      [["--role", "0", "--listen", "nohost"], /bad address "nohost"/],
      [["--role", "0", "--listen", "127.0.0.1:1", "--bogus"], /bogus/],
      [["--role", "0", "--listen", "127.0.0.1:1", "--job", "nope"], /unknown job "nope"/],
      [["--role", "0", "--listen", "127.0.0.1:1", "--tls-cert", "x"], /needs all of --tls-cert/],
      [
        ["--role", "0", "--listen", "127.0.0.1:1", "--data", "/nonexistent.csv", "--features", "a"],
        /cannot read \/nonexistent\.csv/,
      ],
    ] as [string[], RegExp][]
  ) {
    const party = start("cli/party.ts", args);
    assert.equal(await party.done, 2, `${args.join(" ")}: ${party.lines.join(" | ")}`);
    assert.equal(party.lines.length, 1, party.lines.join("\n"));
    assert.match(party.lines[0], pattern);
  }
});

/**
 * A man in the middle on plain TCP: forwards A -> B unchanged and flips one bit in the payload
 * of B's frame number `frameIndex` (after the 8-byte stream preamble) on its way to A.
 */
function tamperingProxy(listenPort: number, targetPort: number, frameIndex: number): () => void {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: listenPort });
  const conns: Deno.Conn[] = [];
  (async () => {
    const fromB = await listener.accept();
    const toA = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
    conns.push(fromB, toA);
    const pipe = async (from: Deno.Conn, to: Deno.Conn, tamper: boolean) => {
      let seen = new Uint8Array(0); // bytes of B's stream parsed so far (only while tampering)
      let frameStart = 8; // offset of the next frame header in B's stream
      let frame = 0;
      try {
        for await (const chunk of from.readable) {
          if (tamper) {
            const offsetOfChunk = seen.length;
            seen = new Uint8Array([...seen, ...chunk]);
            while (seen.length >= frameStart + 4) {
              const length = new DataView(seen.buffer).getUint32(frameStart, true);
              if (frame === frameIndex && length > 0 && seen.length > frameStart + 4) {
                chunk[frameStart + 4 - offsetOfChunk] ^= 1;
                tamper = false;
                break;
              }
              if (seen.length < frameStart + 4 + length) break;
              frameStart += 4 + length;
              frame++;
            }
          }
          await to.write(chunk);
        }
      } catch {
        // either side closed: the test looks at the parties' exits
      }
      try {
        to.close();
      } catch {
        // already closed
      }
    };
    await Promise.all([pipe(fromB, toA, true), pipe(toA, fromB, false)]);
  })();
  return () => {
    listener.close();
    for (const conn of conns) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  };
}

Deno.test("a MITM flipping a bit of B's coin-toss share: both parties stop, neither exits 0", async () => {
  const portA = freePort();
  const portProxy = freePort();
  const stopProxy = tamperingProxy(portProxy, portA, 1); // B's frames: 0 hello, 1 share
  const job = ["--job", "secure-sum", "--data", MALL, "--columns", "Age"];
  const partyA = start("cli/party.ts", ["--role", "0", "--listen", `127.0.0.1:${portA}`, ...job]);
  await partyA.waitFor(/listening on/); // the proxy connects to A as soon as B connects to it
  const parties = [
    partyA,
    start("cli/party.ts", ["--role", "1", "--connect", `127.0.0.1:${portProxy}`, ...job]),
  ];
  const codes = await Promise.all(parties.map((party) => party.done));
  stopProxy();
  for (const [role, party] of parties.entries()) {
    assert.equal(codes[role], 1, party.lines.join("\n"));
    const errors = errorLines(party.lines);
    assert.deepEqual(errors, [
      "error: joint seed mismatch: the connection was tampered with or the peer is not running " +
      "this protocol",
    ], party.lines.join("\n"));
  }
});

Deno.test("listening off loopback without TLS: the warning goes to stderr, not stdout", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMISSIONS,
      `${ROOT}cli/party.ts`,
      "--role",
      "0",
      "--listen",
      "0.0.0.0:0",
      "--job",
      "net-bench",
      "--connect-timeout",
      "0.5",
    ],
    stdin: "null",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1, stderr); // no peer connected
  assert.match(stderr, /^warning: listening on 0\.0\.0\.0 without TLS/m);
  assert.doesNotMatch(stdout, /warning/);
  assert.match(stdout, /listening on 0\.0\.0\.0:\d+/);
});

/** Writes two 1500-row CSVs (x,y) so that a k-means run takes several seconds. */
async function kmeansInputs(): Promise<[string, string]> {
  const dir = await Deno.makeTempDir({ prefix: "ppkm-kill-kmeans-" });
  const files: [string, string] = [`${dir}/a.csv`, `${dir}/b.csv`];
  for (const [party, path] of files.entries()) {
    const rows = Array.from({ length: 1500 }, (_, i) => {
      const r = 2 * i + party;
      return `${(r * 37) % 101},${(r * 53) % 97}`;
    });
    await Deno.writeTextFile(path, ["x,y", ...rows].join("\n") + "\n");
  }
  return files;
}

for (const victim of [0, 1]) {
  Deno.test(`k-means job: killing party ${"AB"[victim]} mid-run makes the other exit non-zero within 5 s`, async () => {
    const files = await kmeansInputs();
    try {
      const port = freePort();
      const job = ["--job", "kmeans", "--features", "x,y", "--k", "6", "--init", "random"];
      job.push("--init-seed", "1", "--max-iter", "30", "--tol", "0");
      const parties = [0, 1].map((role) =>
        start("cli/party.ts", [
          "--role",
          String(role),
          role === 0 ? "--listen" : "--connect",
          `127.0.0.1:${port}`,
          "--data",
          files[role],
          ...job,
        ])
      );
      // After the first Lloyd iteration: OT setup and preprocessing are done, more iterations
      // follow (about a dozen more on this data).
      await parties[victim].waitFor(/^iteration 1:/, 60_000);
      const survivor = await assertSurvivorStops(parties, victim);
      assert.ok(!survivor.lines.some((line) => /^centroids after/.test(line)), "run finished");
    } finally {
      await Deno.remove(files[0].replace(/\/a\.csv$/, ""), { recursive: true });
    }
  });
}
