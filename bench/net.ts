/**
 * Loopback benchmark of the party channel between two Deno processes:
 * one-way and two-way throughput (GB/s) of 256 MiB streams and small-message round-trip time
 * (µs), via the `net-bench` job and the launcher (both parties are real child processes
 * talking over TCP on 127.0.0.1 with TCP_NODELAY).
 *
 *     deno task bench-net [--runs 3] [--stream-mib 256] [--frame-mib 16] [--pings 2000]
 *
 * Prints one row per run and the median. The machine may be shared, so numbers are noisy;
 * report the median with the command line.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { InputError } from "../core/errors.ts";
import { runMain } from "../cli/main.ts";
import { launchParties } from "../cli/launcher.ts";

interface NetBenchResult {
  oneWayGBps: number;
  twoWayGBpsPerDirection: number;
  roundTripMicros: { median: number; p99: number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "3" },
      "stream-mib": { type: "string", default: "256" },
      "frame-mib": { type: "string", default: "16" },
      pings: { type: "string", default: "2000" },
    },
    strict: true,
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new InputError("--runs in [1, 100]");
  const rows: NetBenchResult[] = [];
  console.log(
    `net-bench: ${values["stream-mib"]} MiB per direction in ${values["frame-mib"]} MiB frames, ` +
      `${values.pings} pings, ${runs} runs`,
  );
  console.log("run | one-way GB/s | two-way GB/s (each dir) | RTT median us | RTT p99 us");
  for (let run = 1; run <= runs; run++) {
    const outcome = await launchParties({
      commonArgs: [
        "--job",
        "net-bench",
        "--stream-mib",
        values["stream-mib"]!,
        "--frame-mib",
        values["frame-mib"]!,
        "--pings",
        values.pings!,
      ],
      log: () => {},
    });
    if (outcome.exitCode !== 0) {
      throw new Error(`bench run ${run} failed: exit codes ${outcome.exitCodes.join(", ")}`);
    }
    const result = (outcome.reports[0] as { result: NetBenchResult }).result;
    rows.push(result);
    console.log(
      `${String(run).padStart(3)} | ${result.oneWayGBps.toFixed(2).padStart(12)} | ` +
        `${result.twoWayGBpsPerDirection.toFixed(2).padStart(23)} | ` +
        `${result.roundTripMicros.median.toFixed(1).padStart(13)} | ` +
        `${result.roundTripMicros.p99.toFixed(1).padStart(10)}`,
    );
  }
  console.log(
    `med | ${median(rows.map((r) => r.oneWayGBps)).toFixed(2).padStart(12)} | ` +
      `${median(rows.map((r) => r.twoWayGBpsPerDirection)).toFixed(2).padStart(23)} | ` +
      `${median(rows.map((r) => r.roundTripMicros.median)).toFixed(1).padStart(13)} | ` +
      `${median(rows.map((r) => r.roundTripMicros.p99)).toFixed(1).padStart(10)}`,
  );
  return 0;
}

if (import.meta.main) await runMain(main);
