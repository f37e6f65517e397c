/**
 * Benchmark of the dealer-free arithmetic preprocessing and of online multiplication: two Deno
 * processes over TCP loopback (party/session.ts: TCP channel, handshake, coin toss; OT
 * extension from ot/).
 *
 * `deno task bench-arith [--triples N] [--square-pairs N] [--mults N] [--chunk N]` starts both
 * parties as child processes and prints party 0's report: first the details, then the
 * `bytes-per-square-pair`, `online-multiplications-per-second` and `online-squares-per-second`
 * lines, and last three fixed lines that scripts read, in this order: `triples-per-second`,
 * `bytes-per-triple`, `square-pairs-per-second`. Bytes count both directions. Times are wall clock on party 0, so they include waiting for the peer.
 *
 * Uses OS randomness (no test seeds). Nothing secret is printed: only counts, times, and the
 * result of a consistency check on a few opened (throw-away) triples.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { connectSession } from "../party/session.ts";
import { Prg } from "../core/prg.ts";
import { setupOtEndpoints } from "../ot/mod.ts";
import type { MpcContext } from "../protocol/context.ts";
import { PreprocessingStore } from "../protocol/preprocessing.ts";
import { beaverMultiply, squareShared } from "../protocol/beaver.ts";
import { open } from "../protocol/sharing.ts";
import { cpuUsage } from "node:process";
import { launchBothRoles, positiveInt } from "../testing/two_process.ts";

/** CPU seconds (user + system) this process has used so far. */
function cpuSeconds(): number {
  const { user, system } = cpuUsage();
  return (user + system) / 1e6;
}

const options = {
  role: { type: "string" },
  port: { type: "string" },
  triples: { type: "string", default: "131072" },
  "square-pairs": { type: "string" },
  mults: { type: "string", default: "131072" },
  chunk: { type: "string", default: "8192" },
} as const;

function report(label: string, value: number, unit: string): void {
  console.log(
    `  ${label.padEnd(34)} ${value.toLocaleString("en-US", { maximumFractionDigits: 1 })} ${unit}`,
  );
}

/** One party's benchmark run. */
async function runParty(role: 0 | 1, port: number, counts: {
  triples: number;
  squarePairs: number;
  mults: number;
  chunk: number;
}): Promise<void> {
  const address = { hostname: "127.0.0.1", port };
  const session = await connectSession({
    role,
    params: { benchmark: "arith", ...counts },
    ...(role === 0 ? { listen: address } : { connect: address }),
  });
  const channel = session.channel;
  const prg = new Prg(session.privateSeed);
  const ot = await setupOtEndpoints(channel, role, prg, session.sessionId);
  const ctx: MpcContext = { role, channel, prg, jointPrg: new Prg(session.jointSeed), ot };
  const store = new PreprocessingStore(ctx, { chunkSize: counts.chunk });
  const traffic = () => channel.stats.total.bytesSent + channel.stats.total.bytesReceived;

  // Warm-up: lets V8 optimise every hot loop before timing.
  await store.generate({ triples: counts.chunk, squarePairs: counts.chunk });
  const warm = await store.takeTriples(counts.chunk);
  await beaverMultiply(ctx, warm.a, warm.b, await store.takeTriples(counts.chunk));
  await store.takeSquarePairs(counts.chunk);

  // Consistency check on throw-away triples: opened c must equal a·b.
  const check = await store.takeTriples(64);
  const [a, b, c] = [await open(ctx, check.a), await open(ctx, check.b), await open(ctx, check.c)];
  const consistent = a.every((ai, i) => BigInt.asUintN(64, ai * b[i]) === c[i]);

  let bytes = traffic();
  let cpu = cpuSeconds();
  let start = performance.now();
  await store.generate({ triples: counts.triples });
  const tripleSeconds = (performance.now() - start) / 1000;
  const tripleCpu = cpuSeconds() - cpu;
  const tripleBytes = traffic() - bytes;

  bytes = traffic();
  cpu = cpuSeconds();
  start = performance.now();
  await store.generate({ squarePairs: counts.squarePairs });
  const squareSeconds = (performance.now() - start) / 1000;
  const squareCpu = cpuSeconds() - cpu;
  const squareBytes = traffic() - bytes;

  // Online phase: multiply batches of `chunk` shared values with stored triples.
  const x = prg.ring(counts.chunk);
  const y = prg.ring(counts.chunk);
  const batches = Math.max(1, Math.floor(counts.mults / counts.chunk));
  const triples = [];
  for (let k = 0; k < batches; k++) triples.push(await store.takeTriples(counts.chunk));
  bytes = traffic();
  start = performance.now();
  for (const t of triples) await beaverMultiply(ctx, x, y, t);
  const multSeconds = (performance.now() - start) / 1000;
  const multBytes = traffic() - bytes;
  const squares = [];
  for (let k = 0; k < batches; k++) squares.push(await store.takeSquarePairs(counts.chunk));
  start = performance.now();
  for (const p of squares) await squareShared(ctx, x, p);
  const onlineSquareSeconds = (performance.now() - start) / 1000;
  const multCount = batches * counts.chunk;
  // Party 1 reports its CPU seconds so party 0 can print both (public timing data only).
  let peerCpu = [Number.NaN, Number.NaN];
  if (role === 1) {
    channel.send(new TextEncoder().encode(JSON.stringify([tripleCpu, squareCpu])));
    await channel.flush();
    await channel.recv();
  } else {
    const parsed = JSON.parse(new TextDecoder().decode(await channel.recv()));
    if (Array.isArray(parsed) && parsed.length === 2) peerCpu = parsed.map(Number);
    channel.send(new Uint8Array(1));
    await channel.flush();
  }
  channel.close();

  if (role !== 0) return;
  const perSecond = (n: number, s: number) => Math.round(n / s);
  console.log(`arith benchmark, 2 processes over TCP loopback, batches of ${counts.chunk}`);
  console.log(`  triple consistency check (64 opened): ${consistent ? "ok" : "FAILED"}`);
  report("triples generated", counts.triples, `in ${tripleSeconds.toFixed(2)} s`);
  report("square pairs generated", counts.squarePairs, `in ${squareSeconds.toFixed(2)} s`);
  report("online multiplications", multCount, `in ${multSeconds.toFixed(3)} s`);
  report("online squares", multCount, `in ${onlineSquareSeconds.toFixed(3)} s`);
  report("online bytes per multiplication", multBytes / multCount, "B");
  const microseconds = (seconds: number, n: number) => (1e6 * seconds) / n;
  report("CPU per triple, party 0 / party 1", microseconds(tripleCpu, counts.triples), "µs");
  report("", microseconds(peerCpu[0], counts.triples), "µs");
  report("CPU per square pair, party 0 / 1", microseconds(squareCpu, counts.squarePairs), "µs");
  report("", microseconds(peerCpu[1], counts.squarePairs), "µs");
  console.log(`bytes-per-square-pair ${Math.round(squareBytes / counts.squarePairs)}`);
  console.log(`online-multiplications-per-second ${perSecond(multCount, multSeconds)}`);
  console.log(`online-squares-per-second ${perSecond(multCount, onlineSquareSeconds)}`);
  // Scripts read the last three lines of the output: keep these three last, in this order.
  console.log(`triples-per-second ${perSecond(counts.triples, tripleSeconds)}`);
  console.log(`bytes-per-triple ${Math.round(tripleBytes / counts.triples)}`);
  console.log(`square-pairs-per-second ${perSecond(counts.squarePairs, squareSeconds)}`);
  if (!consistent) Deno.exit(1);
}

async function main(): Promise<number> {
  let counts;
  let v;
  try {
    v = parseArgs({ args: Deno.args, options, strict: true, allowPositionals: false }).values;
    const triples = positiveInt(v.triples, "triples");
    counts = {
      triples,
      squarePairs: v["square-pairs"] === undefined
        ? 2 * triples
        : positiveInt(v["square-pairs"], "square-pairs"),
      mults: positiveInt(v.mults, "mults"),
      chunk: positiveInt(v.chunk, "chunk"),
    };
    if (v.role !== undefined && v.role !== "0" && v.role !== "1") {
      throw new RangeError("--role must be 0 or 1");
    }
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 2;
  }
  if (v.role === undefined) {
    const forwarded = Deno.args.filter((a) => a !== "--role" && a !== "--port");
    return await launchBothRoles(import.meta.url, forwarded);
  }
  try {
    await runParty(Number(v.role) as 0 | 1, positiveInt(v.port, "port"), counts);
  } catch (error) {
    console.error(`error: party ${v.role}: ${(error as Error).message}`);
    return 1;
  }
  return 0;
}

Deno.exit(await main());
