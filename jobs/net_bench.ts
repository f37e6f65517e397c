/**
 * Job "net-bench": measures the channel between the two party processes (used by
 * `deno task bench-net` and by the two-process tests):
 *
 * - one-way throughput: party A streams `--stream-mib` MiB to B in `--frame-mib` MiB frames;
 * - two-way throughput: both parties stream that much at each other at the same time;
 * - round trip: `--pings` 8-byte request/response exchanges (median and 99th percentile).
 *
 * With `--verify`, payloads are keystream of a PRG keyed by the joint seed and the receiver
 * checks every byte (slower; for tests). Nothing secret is involved: the payload is public
 * filler and the joint seed is public between the parties.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { type Channel, ChannelError, inPhase } from "../party/channel.ts";
import { concat } from "../core/bytes.ts";
import type { JobContext, PartyJob, PreparedJob } from "./job.ts";
import { Prg } from "../core/prg.ts";
import { parseDecimalInteger } from "../core/validate.ts";

function positiveInt(text: unknown, name: string, max: number): number {
  return parseDecimalInteger(text, `--${name}`, 1, max);
}

/** The network benchmark job (see the module doc). */
export const netBenchJob: PartyJob = {
  name: "net-bench",
  summary: "measure channel throughput and round-trip latency between the two parties",
  options: {
    "stream-mib": { type: "string", default: "256", help: "MiB streamed per direction" },
    "frame-mib": { type: "string", default: "16", help: "frame size in MiB" },
    pings: { type: "string", default: "2000", help: "number of round trips" },
    verify: { type: "boolean", default: false, help: "check every received byte" },
  },
  prepare({ values }): Promise<PreparedJob> {
    const streamBytes = positiveInt(values["stream-mib"], "stream-mib", 1 << 20) * 2 ** 20;
    const frameBytes = positiveInt(values["frame-mib"], "frame-mib", 256) * 2 ** 20;
    const pings = positiveInt(values.pings, "pings", 10_000_000);
    const verify = values.verify === true;
    return Promise.resolve({
      params: { streamBytes, frameBytes, pings, verify },
      run: (ctx) => runNetBench(ctx, streamBytes, frameBytes, pings, verify),
    });
  },
};

async function runNetBench(
  ctx: JobContext,
  streamBytes: number,
  frameBytes: number,
  pings: number,
  verify: boolean,
) {
  const { channel, role } = ctx;
  const payload = (direction: number) =>
    new Prg(concat(ctx.jointSeed.subarray(0, 15), Uint8Array.of(direction)));
  const filler = new Uint8Array(frameBytes); // unverified runs send the same zero frame

  const send = async (prg: Prg | null) => {
    for (let sent = 0; sent < streamBytes; sent += frameBytes) {
      const length = Math.min(frameBytes, streamBytes - sent);
      // Verified runs need fresh content; otherwise one buffer is resent (the channel does
      // not copy, so this measures the transport, not memcpy).
      channel.send(prg ? prg.bytes(length) : filler.subarray(0, length));
      await channel.flush();
    }
  };
  const receive = async (prg: Prg | null) => {
    let received = 0;
    while (received < streamBytes) {
      const frame = await channel.recv();
      if (prg && !Buffer.from(frame).equals(Buffer.from(prg.bytes(frame.length)))) {
        throw new ChannelError(`net-bench: corrupted payload near byte ${received}`);
      }
      received += frame.length;
    }
    if (received !== streamBytes) throw new ChannelError("net-bench: stream length mismatch");
  };

  const oneWaySeconds = await inPhase(channel, "one-way", async () => {
    await sync(channel);
    const started = performance.now();
    if (role === 0) {
      await send(verify ? payload(0) : null);
      await channel.recv(); // B's acknowledgement that everything arrived
    } else {
      await receive(verify ? payload(0) : null);
      channel.send(new Uint8Array(1));
      await channel.flush();
    }
    return (performance.now() - started) / 1000;
  });
  ctx.log(`one-way: ${gbps(streamBytes, oneWaySeconds)} GB/s`);

  const twoWaySeconds = await inPhase(channel, "two-way", async () => {
    await sync(channel);
    const started = performance.now();
    await Promise.all([
      send(verify ? payload(1 + role) : null),
      receive(verify ? payload(2 - role) : null),
    ]);
    await sync(channel);
    return (performance.now() - started) / 1000;
  });
  ctx.log(`two-way: ${gbps(streamBytes, twoWaySeconds)} GB/s per direction`);

  const rtts = await inPhase(channel, "ping", async () => {
    await sync(channel);
    const times = new Float64Array(pings);
    const message = new Uint8Array(8);
    for (let i = 0; i < pings; i++) {
      const started = performance.now();
      if (role === 0) {
        channel.send(message.slice());
        await channel.flush();
        await channel.recv();
      } else {
        const got = await channel.recv();
        channel.send(got);
        await channel.flush();
      }
      times[i] = (performance.now() - started) * 1000;
    }
    return times.sort();
  });
  const median = rtts[Math.floor(pings / 2)];
  const p99 = rtts[Math.min(pings - 1, Math.floor(pings * 0.99))];
  ctx.log(`round trip: median ${median.toFixed(1)} us, p99 ${p99.toFixed(1)} us`);
  return {
    streamBytes,
    frameBytes,
    verified: verify,
    oneWayGBps: gbps(streamBytes, oneWaySeconds),
    twoWayGBpsPerDirection: gbps(streamBytes, twoWaySeconds),
    roundTripMicros: { median: round1(median), p99: round1(p99), pings },
  };
}

/** One empty exchange so both parties start a measurement together. */
async function sync(channel: Channel): Promise<void> {
  channel.send(new Uint8Array(0));
  await channel.flush();
  await channel.recv();
}

function gbps(bytes: number, seconds: number): number {
  return Math.round((bytes / 1e9 / seconds) * 1000) / 1000;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
