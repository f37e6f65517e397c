/**
 * Benchmark of secure comparison and argmin: two Deno processes over TCP loopback
 * (party/session.ts: TCP channel, handshake, coin toss; OT extension from ot/).
 *
 * `deno task bench-compare [--comparisons N] [--comparisons64 N] [--rows N] [--k K]
 * [--digit-bits M] [--batch B]` starts both parties as child processes and prints party 0's
 * report, ending with the lines `comparisons-per-second`, `bytes-per-comparison` (40-bit bound)
 * and `argmin-<n>x<k>-seconds` (`argmin-100000x5-seconds` with the default size). Bytes count both directions; times are wall clock on party 0, including
 * the OT extension (no separate preprocessing phase) and waiting for the peer.
 *
 * Inputs are throw-away random values derived from the joint coin-toss seed (so both parties
 * know the plaintext and can check the opened results): benchmark data only, never a pattern
 * for real inputs. Nothing secret is printed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { connectSession } from "../party/session.ts";
import { Prg } from "../core/prg.ts";
import { setupOtEndpoints } from "../ot/mod.ts";
import type { MpcContext } from "../protocol/context.ts";
import { open } from "../protocol/sharing.ts";
import { openBits } from "../protocol/binary.ts";
import { comparisonRounds, DEFAULT_DIGIT_BITS, signBits } from "../protocol/comparison.ts";
import { argmin } from "../protocol/argmin.ts";
import { launchBothRoles, positiveInt } from "../testing/two_process.ts";

const options = {
  role: { type: "string" },
  port: { type: "string" },
  comparisons: { type: "string", default: "131072" },
  comparisons64: { type: "string", default: "65536" },
  rows: { type: "string", default: "100000" },
  k: { type: "string", default: "5" },
  "digit-bits": { type: "string", default: `${DEFAULT_DIGIT_BITS}` },
  batch: { type: "string", default: "16384" },
} as const;

interface Settings {
  comparisons: number;
  comparisons64: number;
  rows: number;
  k: number;
  digitBits: number;
  batch: number;
}

/** Shares of public benchmark values: P0 holds r, P1 holds v − r (r from the joint PRG). */
function benchShares(ctx: MpcContext, plain: BigUint64Array): BigUint64Array {
  const r = ctx.jointPrg.ring(plain.length);
  if (ctx.role === 0) return r;
  const out = new BigUint64Array(plain.length);
  for (let i = 0; i < plain.length; i++) out[i] = plain[i] - r[i];
  return out;
}

/** `count` public random values: signed `bits`-bit, or (nonNegative) in [0, 2^(bits−1)). */
function benchValues(ctx: MpcContext, count: number, bits: number, nonNegative: boolean) {
  const raw = ctx.jointPrg.ring(count);
  const width = BigInt(nonNegative ? bits - 1 : bits);
  for (let i = 0; i < count; i++) {
    raw[i] = nonNegative ? BigInt.asUintN(Number(width), raw[i]) : BigInt.asIntN(bits, raw[i]);
  }
  return raw;
}

interface Measured {
  seconds: number;
  bytes: number;
  rounds: number;
  correct: boolean;
}

async function timeSign(
  ctx: MpcContext,
  count: number,
  bits: number,
  s: Settings,
): Promise<Measured> {
  const plain = benchValues(ctx, count, bits, false);
  const shares = benchShares(ctx, plain);
  const stats = ctx.channel.stats.total;
  const bytes = stats.bytesSent + stats.bytesReceived;
  const rounds = stats.rounds;
  const start = performance.now();
  const result = await signBits(ctx, shares, bits, { digitBits: s.digitBits, batch: s.batch });
  const seconds = (performance.now() - start) / 1000;
  const measured = {
    seconds,
    bytes: stats.bytesSent + stats.bytesReceived - bytes,
    rounds: stats.rounds - rounds,
  };
  const opened = await openBits(ctx, result);
  let correct = true;
  for (let i = 0; i < count; i++) {
    const expected = BigInt.asIntN(64, plain[i]) < 0n ? 1 : 0;
    if (((opened[i >>> 5] >>> (i & 31)) & 1) !== expected) correct = false;
  }
  return { ...measured, correct };
}

async function timeArgmin(ctx: MpcContext, s: Settings): Promise<Measured> {
  const plain = benchValues(ctx, s.rows * s.k, 40, true);
  const shares = benchShares(ctx, plain);
  const stats = ctx.channel.stats.total;
  const bytes = stats.bytesSent + stats.bytesReceived;
  const rounds = stats.rounds;
  const start = performance.now();
  const result = await argmin(ctx, shares, s.k, {
    bits: 40,
    digitBits: s.digitBits,
    batch: s.batch,
  });
  const seconds = (performance.now() - start) / 1000;
  const measured = {
    seconds,
    bytes: stats.bytesSent + stats.bytesReceived - bytes,
    rounds: stats.rounds - rounds,
  };
  const min = await open(ctx, result.min);
  const oneHot = await open(ctx, result.oneHot!);
  let correct = true;
  for (let i = 0; i < s.rows; i++) {
    let best = 0;
    for (let j = 1; j < s.k; j++) if (plain[i * s.k + j] < plain[i * s.k + best]) best = j;
    if (min[i] !== plain[i * s.k + best]) correct = false;
    for (let j = 0; j < s.k; j++) {
      if (oneHot[i * s.k + j] !== (j === best ? 1n : 0n)) correct = false;
    }
  }
  return { ...measured, correct };
}

/** One party's benchmark run. */
async function runParty(role: 0 | 1, port: number, s: Settings): Promise<boolean> {
  const address = { hostname: "127.0.0.1", port };
  const session = await connectSession({
    role,
    params: { benchmark: "compare", ...s },
    ...(role === 0 ? { listen: address } : { connect: address }),
  });
  const channel = session.channel;
  const prg = new Prg(session.privateSeed);
  const ot = await setupOtEndpoints(channel, role, prg, session.sessionId);
  const ctx: MpcContext = { role, channel, prg, jointPrg: new Prg(session.jointSeed), ot };

  await timeSign(ctx, s.batch, 40, s); // warm-up: lets V8 optimise the hot loops
  const c40 = await timeSign(ctx, s.comparisons, 40, s);
  const c64 = await timeSign(ctx, s.comparisons64, 64, s);
  const am = await timeArgmin(ctx, s);
  channel.close();
  const ok = c40.correct && c64.correct && am.correct;
  if (role !== 0) return ok;

  const batches = (n: number) => Math.ceil(n / s.batch);
  const line = (label: string, text: string) => console.log(`  ${label.padEnd(30)} ${text}`);
  console.log(
    `compare benchmark: 2 processes over TCP loopback, digit bits m = ${s.digitBits}, ` +
      `batch ${s.batch}; machine shared (2 cores), timings noisy`,
  );
  for (const [bits, m, n] of [[40, c40, s.comparisons], [64, c64, s.comparisons64]] as const) {
    line(
      `${bits}-bit comparisons`,
      `${n} in ${m.seconds.toFixed(2)} s, ${Math.round(m.bytes / n)} B each, ` +
        `${m.rounds} rounds on P0 (${batches(n)} batches of ` +
        `${comparisonRounds(bits, s.digitBits)} rounds), check ${m.correct ? "ok" : "FAILED"}`,
    );
  }
  line(
    `argmin n=${s.rows}, k=${s.k}, 40-bit`,
    `${am.seconds.toFixed(2)} s, ${
      (am.bytes / 2 ** 20).toFixed(1)
    } MiB, ${am.rounds} rounds on P0, ` +
      `check ${am.correct ? "ok" : "FAILED"}`,
  );
  console.log(`comparisons-per-second-64 ${Math.round(s.comparisons64 / c64.seconds)}`);
  console.log(`bytes-per-comparison-64 ${Math.round(c64.bytes / s.comparisons64)}`);
  console.log(`comparisons-per-second ${Math.round(s.comparisons / c40.seconds)}`);
  console.log(`bytes-per-comparison ${Math.round(c40.bytes / s.comparisons)}`);
  console.log(`argmin-${s.rows}x${s.k}-seconds ${am.seconds.toFixed(2)}`);
  return ok;
}

async function main(): Promise<number> {
  try {
    const v = parseArgs({ args: Deno.args, options, strict: true, allowPositionals: false }).values;
    const settings: Settings = {
      comparisons: positiveInt(v.comparisons, "comparisons"),
      comparisons64: positiveInt(v.comparisons64, "comparisons64"),
      rows: positiveInt(v.rows, "rows"),
      k: positiveInt(v.k, "k"),
      digitBits: positiveInt(v["digit-bits"], "digit-bits"),
      batch: positiveInt(v.batch, "batch"),
    };
    if (settings.digitBits > 6) throw new RangeError("--digit-bits must be in [1, 6]");
    if (settings.batch % 32 !== 0) throw new RangeError("--batch must be a multiple of 32");
    if (v.role === undefined) return await launchBothRoles(import.meta.url, Deno.args);
    if (v.role !== "0" && v.role !== "1") throw new RangeError("--role must be 0 or 1");
    const ok = await runParty(Number(v.role) as 0 | 1, positiveInt(v.port, "port"), settings);
    if (!ok) {
      console.error(`error: party ${v.role}: a result check failed`);
      return 1;
    }
    return 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return error instanceof RangeError || (error as Error).name === "TypeError" ? 2 : 1;
  }
}

Deno.exit(await main());
