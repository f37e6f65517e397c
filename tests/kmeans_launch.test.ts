/**
 * End to end: `deno task launch` (cli/launch.ts) runs both k-means parties as two processes
 * over TCP and compares with the plaintext reference. Timing targets are checked by
 * `deno task bench-kmeans`, not here.
 */
import assert from "node:assert/strict";
import { runCli } from "../testing/cli.ts";

const launch = (args: string[]) => runCli("cli/launch.ts", args);

for (const partition of ["horizontal", "vertical"]) {
  Deno.test(`default Mall demo (${partition}) has 0 differing labels and sends < 100 MB`, async () => {
    const dir = await Deno.makeTempDir();
    const json = `${dir}/launch.json`;
    const run = await launch(["--partition", partition, "--json", json, "--seed", "7"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /differing labels: 0 of 200/);
    assert.match(run.stdout, /values this run reveals:/);
    const result = JSON.parse(await Deno.readTextFile(json));
    assert.equal(result.differingLabels, 0);
    assert.equal(result.maxCentroidError, 0);
    assert.deepEqual(result.centroids, result.reference.centroids);
    assert.ok(result.stats.bytesSent < 100e6);
    const labels = partition === "horizontal"
      ? [...result.labelsA, ...result.labelsB]
      : result.labelsA;
    assert.deepEqual(labels, result.reference.labels);
    if (partition === "vertical") assert.deepEqual(result.labelsB, result.labelsA);
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("vertical launch with IDs missing on one side fails with a one-line error", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.csv`, "id,x\n1,1\n2,2\n3,3\n4,4\n");
  await Deno.writeTextFile(`${dir}/b.csv`, "id,y\n1,1\n2,2\n5,3\n6,4\n");
  const run = await launch([
    "--partition=vertical",
    "--data-a",
    `${dir}/a.csv`,
    "--data-b",
    `${dir}/b.csv`,
    "--features-a",
    "x",
    "--features-b",
    "y",
    "--id",
    "id",
    "--k",
    "2",
    "--init",
    "rows:0,1",
  ]);
  assert.notEqual(run.code, 0);
  assert.match(run.stdout + run.stderr, /2 ID\(s\) of party A are missing at party B/);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
  await Deno.remove(dir, { recursive: true });
});
