/**
 * `--init kmeans++` end to end: the job accepts it, the revealed list names the one public
 * draw, and `deno task launch` runs secure k-means++ over TCP with 0 differing labels against
 * the fixed-point reference replaying the same public draws (both partitions), and supports
 * the elbow sweep.
 */
import assert from "node:assert/strict";
import { parseKmeansParams } from "../jobs/kmeans/job.ts";
import { elbowRevealedValues, revealedValues } from "../kmeans/secure/options.ts";
import { runCli } from "../testing/cli.ts";

const launch = (args: string[]) => runCli("cli/launch.ts", args);

Deno.test("the job accepts --init kmeans++ and lists the first row as revealed", () => {
  const params = parseKmeansParams({ init: "kmeans++", k: "5" });
  assert.equal(params.init, "kmeans++");
  for (const partition of ["horizontal", "vertical"] as const) {
    const lines = revealedValues(params, { partition });
    const added = lines.filter((line) => line.startsWith("kmeans++"));
    assert.equal(added.length, 1);
    assert.match(added[0], /first initial centre/);
    assert.equal(
      elbowRevealedValues(params, { partition }).filter((l) => l.startsWith("kmeans++")).length,
      1,
    );
    // --init random lists its own public draw instead (the k rows), not the kmeans++ line.
    const random = revealedValues({ ...params, init: "random" }, { partition });
    assert.equal(random.filter((line) => line.startsWith("kmeans++")).length, 0);
    assert.equal(random.filter((line) => line.startsWith("--init random")).length, 1);
    assert.equal(random.length, lines.length);
    const rows = revealedValues({ ...params, init: "rows:0,1,2,3,4" }, { partition });
    assert.equal(rows.filter((line) => line.startsWith("--init random")).length, 0);
  }
});

for (const partition of ["horizontal", "vertical"]) {
  Deno.test(`launch --init kmeans++ (${partition}, Mall) has 0 differing labels`, async () => {
    const dir = await Deno.makeTempDir();
    const json = `${dir}/launch.json`;
    const run = await launch([
      "--partition",
      partition,
      "--init",
      "kmeans++",
      "--init-seed",
      "11",
      "--json",
      json,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /differing labels: 0 of 200/);
    assert.match(run.stdout, /kmeans\+\+: the .* first initial centre/);
    const result = JSON.parse(await Deno.readTextFile(json));
    assert.equal(result.maxCentroidError, 0);
    assert.deepEqual(result.centroids, result.reference.centroids);
    assert.ok(result.stats.parties.A.byPhase.init.bytesSent > 0);
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("launch --init kmeans++ runs the secure elbow sweep", async () => {
  const run = await launch(["--init", "kmeans++", "--k", "2..4", "--init-seed", "3"]);
  assert.equal(run.code, 0, run.stderr);
  const inertia = [...run.stdout.matchAll(/^(\d)\s+([\d.]+)$/gm)].map((m) => Number(m[2]));
  assert.equal(inertia.length, 3);
  assert.ok(inertia.every((v) => v > 0));
});
