/**
 * Benchmark of the default secure k-means demo exactly as a user runs it: the wall time of
 * `deno run cli/launch.ts` (launcher start-up, both party processes, TCP connection,
 * handshake, base OT, preprocessing, Lloyd iterations, reference check), plus bytes per party
 * and rounds from its --json. Mall Customers, k = 5, init rows:0,40,80,120,160, ≤ 10 updates;
 * horizontal (rows 1–100 | 101–200) or vertical (income | score, joined on CustomerID).
 *
 *     deno task bench-kmeans [--partition horizontal|vertical|both] [--runs N]
 *     deno task bench-kmeans --psi 200,5000   # the DH-PSI vertical join alone (both parties
 *                                             # in this process, in-memory channel)
 *
 * Timings on a shared machine are noisy: the median and all runs are printed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { memoryChannelPair } from "../party/memory_channel.ts";
import { Prg, randomSeed } from "../core/prg.ts";
import { joinVertical } from "../kmeans/secure/vertical.ts";

const LAUNCH = fileURLToPath(new URL("../cli/launch.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../deno.json", import.meta.url));

/** Bytes per megabyte in the printed traffic. */
const BYTES_PER_MB = 1e6;

interface LaunchJson {
  nIter: number;
  differingLabels: number;
  stats: {
    seconds: number;
    bytesSent: number;
    rounds: number;
    parties: Record<"A" | "B", {
      seconds: number;
      offlineSeconds: number;
      onlineSeconds: number;
      bytesSent: number;
      bytesReceived: number;
      rounds: number;
    }>;
  };
}

async function runOnce(
  partition: string,
  json: string,
): Promise<{ seconds: number; result: LaunchJson }> {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${CONFIG}`,
      "-A",
      LAUNCH,
      "--partition",
      partition,
      "--json",
      json,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  return { seconds, result: JSON.parse(await Deno.readTextFile(json)) };
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    partition: { type: "string", default: "both" },
    runs: { type: "string", default: "5" },
    psi: { type: "string" },
  },
});
if (values.psi !== undefined) {
  for (const n of values.psi.split(",").map(Number)) {
    const ids = Array.from({ length: n }, (_, i) => `id-${i}`);
    const [c0, c1] = memoryChannelPair();
    const started = performance.now();
    await Promise.all([
      joinVertical(c0, 0, ids, n, new Prg(randomSeed())),
      joinVertical(c1, 1, [...ids].reverse(), n, new Prg(randomSeed())),
    ]);
    const ms = performance.now() - started;
    const sent = c0.stats.snapshot().total;
    console.log(
      `DH-PSI join n = ${n}: ${ms.toFixed(0)} ms for both parties in one process (CPU of both ` +
        `summed); ${sent.bytesSent} bytes sent per party, ${sent.rounds} rounds`,
    );
    c0.close();
  }
  Deno.exit(0);
}
const partitions = values.partition === "both" ? ["horizontal", "vertical"] : [values.partition!];
const dir = await Deno.makeTempDir();
for (const partition of partitions) {
  const times: number[] = [];
  let last: LaunchJson | null = null;
  for (let r = 0; r < Number(values.runs); r++) {
    const { seconds, result } = await runOnce(partition, `${dir}/launch.json`);
    times.push(seconds);
    last = result;
  }
  const sorted = [...times].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `${partition}: deno run cli/launch.ts wall time median ${
      median.toFixed(3)
    } s over ${times.length} ` +
      `runs (${times.map((t) => t.toFixed(3)).join(", ")}); ${last!.nIter} updates; ` +
      `differing labels ${last!.differingLabels}`,
  );
  for (const name of ["A", "B"] as const) {
    const p = last!.stats.parties[name];
    console.log(
      `  party ${name}: sent ${(p.bytesSent / BYTES_PER_MB).toFixed(2)} MB, received ` +
        `${(p.bytesReceived / BYTES_PER_MB).toFixed(2)} MB, ${p.rounds} rounds; offline ` +
        `${p.offlineSeconds.toFixed(3)} s, online ${p.onlineSeconds.toFixed(3)} s, job ${
          p.seconds.toFixed(3)
        } s`,
    );
  }
}
await Deno.remove(dir, { recursive: true });
