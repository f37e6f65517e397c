/**
 * `deno task launch` checks its inputs before starting any party:
 * a missing file, duplicate or unmatched IDs, different feature columns, out-of-bound values,
 * bad init rows and unwritable or non-.svg output paths each end with exit 2 and one `error:`
 * line, and no party output (no "[A]"/"[B]" lines, no result table).
 */
import assert from "node:assert/strict";
import { runCli } from "../testing/cli.ts";

const launch = (args: string[]) => runCli("cli/launch.ts", args);

const dir = await Deno.makeTempDir({ prefix: "launch-inputs-test-" });
const good = `${dir}/good.csv`;
await Deno.writeTextFile(good, "id,x,y\n1,0,0\n2,1,1\n3,9,9\n4,10,10\n");
const other = `${dir}/other.csv`;
await Deno.writeTextFile(other, "id,x,y\n5,0,1\n6,1,0\n7,9,8\n8,10,9\n");
const duplicate = `${dir}/dup.csv`;
await Deno.writeTextFile(duplicate, "id,z\n1,0\n2,1\n2,2\n4,3\n");
const unmatched = `${dir}/unmatched.csv`;
await Deno.writeTextFile(unmatched, "id,z\n1,0\n2,1\n3,2\n99,3\n");
const huge = `${dir}/huge.csv`;
await Deno.writeTextFile(huge, "id,x,y\n5,0,1\n6,1,0\n7,9,8\n8,100000,9\n");
const pair = (b: string) => ["--data-a", good, "--data-b", b];

const cases: [string, string[], RegExp][] = [
  ["a missing --data-b file", [...pair(`${dir}/nope.csv`), "--features", "x,y"], /nope\.csv/],
  ["different features", [...pair(other), "--features-a", "x,y", "--features-b", "y,x"], /feat/],
  ["an unknown column", [...pair(other), "--features", "x,w"], /w/],
  ["a value outside the bound", [...pair(huge), "--features", "x,y"], /huge\.csv/],
  [
    "an init row beyond the joint data",
    [...pair(other), "--features", "x,y", "--k", "2", "--init", "rows:0,8"],
    /row 8/,
  ],
  ["k above the joint row count", [...pair(other), "--features", "x,y", "--k", "9"], /k = 9/],
  [
    "duplicate IDs (vertical)",
    [...pair(duplicate), "--partition", "vertical", "--id", "id", "--features-a", "x"].concat(
      "--features-b",
      "z",
    ),
    /dup\.csv.*"2"/,
  ],
  [
    "unmatched IDs (vertical)",
    [...pair(unmatched), "--partition", "vertical", "--id", "id", "--features-a", "x"].concat(
      "--features-b",
      "z",
    ),
    /missing/,
  ],
  ["--plot into a missing directory", ["--plot", "/nonexistent-dir/x.svg"], /--plot/],
  ["--plot not ending in .svg", ["--plot", `${dir}/x.png`], /\.svg/],
  ["--json into a missing directory", ["--json", "/nonexistent-dir/x.json"], /--json/],
  ["a --json path that is a directory", ["--json", dir], /directory/],
  [
    "secure-sum --json into a missing directory",
    ["--job", "secure-sum", "--json", "/nonexistent-dir/x.json"],
    /--json/,
  ],
  ["--tol ''", ["--tol", ""], /--tol/],
  ["--max-iter 0x3", ["--max-iter", "0x3"], /--max-iter/],
];

for (const [title, args, pattern] of cases) {
  Deno.test(`launch with ${title} exits 2 in one line before any party starts`, async () => {
    const run = await launch(args);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /^error: /);
    assert.match(lines[0], pattern);
    assert.doesNotMatch(run.stdout, /^\[[AB]\]/m, "no party ran");
    assert.doesNotMatch(run.stdout, /differing labels/);
  });
}

Deno.test("launch --plot writes a well-formed SVG of the joint clustering", async () => {
  const path = `${dir}/launch.svg`;
  const run = await launch(["--plot", path, "--seed", "3"]);
  assert.equal(run.code, 0, run.stderr);
  const svg = await Deno.readTextFile(path);
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\s*$/);
  assert.equal((svg.match(/aria-roledescription="circle"/g) ?? []).length, 200);
  assert.equal((svg.match(/aria-roledescription="point"/g) ?? []).length, 5);
});

Deno.test("launch --help documents exit code 3 and the demo's --init default", async () => {
  const run = await launch(["--help"]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /3 secure labels differ/);
  assert.match(run.stdout, /--init X .*\[rows:0,40,80,120,160/);
  assert.doesNotMatch(run.stdout, /\(default \d+\) \[\d+\]/, "a default shown twice");
});

Deno.test("launch --features splits quoted CSV names like plain", async () => {
  const quoted = `${dir}/quoted.csv`;
  await Deno.writeTextFile(quoted, '"a,b",c\n0,0\n1,1\n9,9\n10,10\n');
  const quotedB = `${dir}/quotedB.csv`;
  await Deno.writeTextFile(quotedB, '"a,b",c\n0,1\n1,0\n9,8\n10,9\n');
  const run = await launch([
    "--data-a",
    quoted,
    "--data-b",
    quotedB,
    "--features",
    '"a,b",c',
    "--k",
    "2",
    "--init",
    "rows:0,2",
  ]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /differing labels: 0 of 8/);
});

Deno.test("remove the temporary inputs", async () => {
  await Deno.remove(dir, { recursive: true });
});
