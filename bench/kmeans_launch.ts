/**
 * Two-process TCP benchmark of the default secure k-means demo (issue 7): Mall Customers rows
 * 1–100 (party A) and 101–200 (party B), or the vertical split (A: income, B: score, joined on
 * CustomerID); k = 5, init rows:0,40,80,120,160, max 10 updates. Measures wall time from
 * spawning both Deno processes to both exiting (start-up, base OT, preprocessing, iterations),
 * bytes per party and rounds, and checks the labels against the fixed-point reference.
 *
 *     deno task bench-kmeans [--partition horizontal|vertical] [--runs N]
 *
 * The machine is shared (2 cores), so timings are noisy: the median of the runs is printed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadCsv } from "../data/csv.ts";
import {
  compareWithReference,
  jointMatrix,
  type PartyKmeansResult,
  referenceRun,
} from "../kmeans/launch_report.ts";

const MALL = new URL("../data/Mall_Customers.csv", import.meta.url).pathname;
const INCOME = "Annual Income (k$)";
const SCORE = "Spending Score (1-100)";

async function splitMall(dir: string): Promise<[string, string]> {
  const lines = (await Deno.readTextFile(MALL)).trimEnd().split("\n");
  const a = `${dir}/mall_a.csv`;
  const b = `${dir}/mall_b.csv`;
  await Deno.writeTextFile(a, [lines[0], ...lines.slice(1, 101)].join("\n") + "\n");
  await Deno.writeTextFile(b, [lines[0], ...lines.slice(101)].join("\n") + "\n");
  return [a, b];
}

async function runOnce(partition: string, port: number, dir: string, files: [string, string]) {
  const common = [
    "--partition",
    partition,
    "--k",
    "5",
    "--init",
    "rows:0,40,80,120,160",
    "--max-iter",
    "10",
    "--quiet",
  ];
  const argsFor = (role: 0 | 1) => {
    const features = partition === "horizontal"
      ? ["--features", `${INCOME},${SCORE}`]
      : ["--features", role === 0 ? INCOME : SCORE, "--id", "CustomerID"];
    const address = role === 0
      ? ["--listen", `127.0.0.1:${port}`]
      : ["--connect", `127.0.0.1:${port}`];
    const data = partition === "horizontal" ? files[role] : MALL;
    return [
      "run",
      "-A",
      new URL("./kmeans_party.ts", import.meta.url).pathname,
      "--role",
      String(role),
      ...address,
      "--data",
      data,
      "--json",
      `${dir}/result_${role}.json`,
      ...features,
      ...common,
    ];
  };
  const started = performance.now();
  const children = [0, 1].map((role) =>
    new Deno.Command(Deno.execPath(), {
      args: argsFor(role as 0 | 1),
      stdout: "inherit",
      stderr: "inherit",
    }).spawn()
  );
  const statuses = await Promise.all(children.map((c) => c.status));
  const seconds = (performance.now() - started) / 1000;
  if (!statuses.every((s) => s.success)) throw new Error("a party failed");
  const results = await Promise.all(
    [0, 1].map(async (role) =>
      JSON.parse(await Deno.readTextFile(`${dir}/result_${role}.json`)) as PartyKmeansResult
    ),
  );
  return { seconds, results };
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    partition: { type: "string", default: "horizontal" },
    runs: { type: "string", default: "3" },
  },
});
const partition = values.partition as "horizontal" | "vertical";
const dir = await Deno.makeTempDir();
const files = await splitMall(dir);
const times: number[] = [];
let last: Awaited<ReturnType<typeof runOnce>> | null = null;
for (let r = 0; r < Number(values.runs); r++) {
  last = await runOnce(partition, 7400 + r + (partition === "vertical" ? 50 : 0), dir, files);
  times.push(last.seconds);
}
const [a, b] = last!.results;
const dataA = await loadCsv(partition === "horizontal" ? files[0] : MALL, {
  features: partition === "horizontal" ? [INCOME, SCORE] : [INCOME],
  id: "CustomerID",
});
const dataB = await loadCsv(partition === "horizontal" ? files[1] : MALL, {
  features: partition === "horizontal" ? [INCOME, SCORE] : [SCORE],
  id: "CustomerID",
});
const matrix = jointMatrix(partition, dataA, dataB);
const reference = referenceRun(matrix, 5, 10, 1e-4, 16, a.initialRows);
const comparison = compareWithReference(partition, matrix, a, b, reference);
console.log(comparison.table);
times.sort((x, y) => x - y);
const median = times[Math.floor(times.length / 2)];
for (const [name, r] of [["A", a], ["B", b]] as const) {
  console.log(
    `party ${name}: sent ${(r.stats.bytesSent / 1e6).toFixed(2)} MB, received ` +
      `${(r.stats.bytesReceived / 1e6).toFixed(2)} MB, ${r.stats.rounds} rounds, offline ` +
      `${r.stats.offlineSeconds.toFixed(3)} s, online ${r.stats.onlineSeconds.toFixed(3)} s, job ${
        r.stats.seconds.toFixed(3)
      } s`,
  );
}
console.log(
  `${partition}: wall time incl. process start-up, median of ${times.length}: ${
    median.toFixed(3)
  } s ` +
    `(all: ${
      times.map((t) => t.toFixed(3)).join(", ")
    }); differing labels ${comparison.differingLabels}`,
);
await Deno.remove(dir, { recursive: true });
