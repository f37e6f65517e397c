/**
 * OT-extension benchmark over TCP loopback between two Deno processes.
 *
 * `deno task bench-ot [--count N] [--chunk C] [--kos]` spawns two party processes: party 0 listens and
 * acts as IKNP sender, party 1 connects and acts as IKNP receiver. Each runs the base OTs
 * (both directions, timed), then streams N random OTs (default 2^24) in chunks, consuming
 * each chunk and dropping it, so memory stays flat. Afterwards the receiver sends a sample of
 * its outputs and the sender checks them (a sanity check, not a security test). `--kos` turns
 * on the KOS15 consistency check against a malicious receiver (ot/kos_check.ts) on both sides.
 * Output ends with machine-readable lines `random-ot-per-second`, `bytes-per-ot`, `base-ot-ms`.
 * Test-only deterministic seeds are never used here: seeds come from the OS.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { denoConnStream } from "../party/byte_stream.ts";
import { TcpChannel } from "../party/tcp_channel.ts";
import { Prg, randomSeed } from "../core/prg.ts";
import type { Channel } from "../party/channel.ts";
import { DEFAULT_CHUNK_OTS, setupOtEndpoints } from "../ot/mod.ts";
import { freePort } from "../testing/two_process.ts";

const SAMPLE_OTS = 4096;

interface PartyResult {
  role: number;
  baseOtMs: number;
  extendMs: number;
  bytesSent: number;
  bytesReceived: number;
  peakRssMb: number;
  sampleOk: boolean;
}

function fail(message: string): never {
  console.error(`bench-ot: ${message}`);
  Deno.exit(1);
}

async function connect(role: number, port: number): Promise<Channel> {
  if (role === 0) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    const conn = await listener.accept();
    listener.close();
    return new TcpChannel(denoConnStream(conn));
  }
  for (let attempt = 0;; attempt++) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      return new TcpChannel(denoConnStream(conn));
    } catch (error) {
      if (attempt > 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

async function runParty(
  role: 0 | 1,
  port: number,
  count: number,
  chunk: number,
  kos: boolean,
): Promise<void> {
  const channel: Channel = await connect(role, port);
  const prg = new Prg(randomSeed());
  // Both parties derive the session id from a fresh value sent by party 0 (benchmark only).
  let sessionId: Uint8Array;
  if (role === 0) {
    sessionId = randomSeed();
    channel.send(sessionId.slice());
    await channel.flush();
  } else {
    sessionId = await channel.recv();
  }
  let peakRss = Deno.memoryUsage().rss;
  const t0 = performance.now();
  const ot = await setupOtEndpoints(channel, role, prg, sessionId, {
    chunkOts: chunk,
    maliciousReceiverCheck: kos,
  });
  const baseOtMs = performance.now() - t0;
  const before = { ...channel.stats.total };
  const sample = new Uint8Array(SAMPLE_OTS * 16 * 2);
  let sampleChoices = new Uint8Array(0);
  const t1 = performance.now();
  if (role === 0) {
    await ot.sender.randomOtStream(count, (offset, m0, m1) => {
      if (offset === 0) {
        sample.set(m0.subarray(0, SAMPLE_OTS * 16));
        sample.set(m1.subarray(0, SAMPLE_OTS * 16), SAMPLE_OTS * 16);
      }
      if ((offset / chunk) % 16 === 0) peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    });
  } else {
    await ot.receiver.randomOtStream(count, undefined, (offset, choices, messages) => {
      if (offset === 0) {
        sample.set(messages.subarray(0, SAMPLE_OTS * 16));
        sampleChoices = choices.slice(0, SAMPLE_OTS / 8);
      }
      if ((offset / chunk) % 16 === 0) peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
    });
  }
  const extendMs = performance.now() - t1;
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  const after = channel.stats.total;
  const result: PartyResult = {
    role,
    baseOtMs,
    extendMs,
    bytesSent: after.bytesSent - before.bytesSent,
    bytesReceived: after.bytesReceived - before.bytesReceived,
    peakRssMb: peakRss / 2 ** 20,
    sampleOk: true,
  };
  // Sanity check of the first outputs (bench only: this reveals the sample to the sender).
  const n = Math.min(count, SAMPLE_OTS);
  if (role === 1) {
    const frame = new Uint8Array(SAMPLE_OTS / 8 + n * 16);
    frame.set(sampleChoices);
    frame.set(sample.subarray(0, n * 16), SAMPLE_OTS / 8);
    channel.send(frame);
    await channel.flush();
    await channel.recv(); // wait for the sender before closing
  } else {
    const frame = await channel.recv();
    for (let i = 0; i < n; i++) {
      const c = (frame[i >> 3] >> (i & 7)) & 1;
      const got = frame.subarray(SAMPLE_OTS / 8 + i * 16, SAMPLE_OTS / 8 + i * 16 + 16);
      const want = sample.subarray((c * SAMPLE_OTS + i) * 16, (c * SAMPLE_OTS + i + 1) * 16);
      if (!got.every((b, k) => b === want[k])) result.sampleOk = false;
    }
    channel.send(new Uint8Array(1));
    await channel.flush();
  }
  console.log(JSON.stringify(result));
  channel.close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      count: { type: "string", default: String(2 ** 24) },
      chunk: { type: "string", default: String(DEFAULT_CHUNK_OTS) },
      role: { type: "string" },
      port: { type: "string" },
      kos: { type: "boolean", default: false },
    },
    strict: true,
  });
  const count = Number(values.count);
  const chunk = Number(values.chunk);
  if (!(Number.isSafeInteger(count) && count >= 1)) fail(`--count must be a positive integer`);
  if (!(Number.isInteger(chunk) && chunk >= 128 && chunk % 128 === 0)) {
    fail(`--chunk must be a positive multiple of 128`);
  }
  if (values.role !== undefined) {
    const role = Number(values.role);
    if (role !== 0 && role !== 1) fail("--role must be 0 or 1");
    await runParty(role, Number(values.port), count, chunk, values.kos);
    return;
  }
  const port = freePort();
  const children = [0, 1].map((role) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        import.meta.filename ?? fail("run this script from a local file"),
        `--role=${role}`,
        `--port=${port}`,
        `--count=${count}`,
        `--chunk=${chunk}`,
        ...(values.kos ? ["--kos"] : []),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output()
  );
  const outputs = await Promise.all(children);
  const results: PartyResult[] = outputs.map((output, role) => {
    if (!output.success) fail(`party ${role} exited with code ${output.code}`);
    const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
    return JSON.parse(lines[lines.length - 1]) as PartyResult;
  });
  const [sender, receiver] = results;
  if (!sender.sampleOk) fail("sanity check failed: receiver outputs do not match the sender's");
  const extendMs = Math.max(sender.extendMs, receiver.extendMs);
  const bytes = sender.bytesSent + receiver.bytesSent;
  const rate = count / (extendMs / 1000);
  const check = values.kos ? ", KOS15 malicious-receiver check on" : "";
  console.log(`random OTs: ${count} over TCP loopback, two processes, chunk ${chunk}${check}`);
  console.log("| party | base OT ms | extension ms | bytes sent | peak RSS MiB |");
  console.log("|---|---|---|---|---|");
  for (const r of results) {
    console.log(
      `| ${r.role === 0 ? "P0 (sender)" : "P1 (receiver)"} | ${r.baseOtMs.toFixed(1)} | ` +
        `${r.extendMs.toFixed(1)} | ${r.bytesSent} | ${r.peakRssMb.toFixed(1)} |`,
    );
  }
  console.log(`peak-rss-mib ${Math.max(sender.peakRssMb, receiver.peakRssMb).toFixed(1)}`);
  console.log(`random-ot-per-second ${Math.round(rate)}`);
  console.log(`bytes-per-ot ${(bytes / count).toFixed(3)}`);
  console.log(`base-ot-ms ${Math.max(sender.baseOtMs, receiver.baseOtMs).toFixed(1)}`);
}

if (import.meta.main) await main();
