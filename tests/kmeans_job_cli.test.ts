/**
 * `deno task party` for k-means as two real processes:
 * parties that selected different or reordered features both stop with exit 2 naming
 * "features"; a bad --plot/--json path fails in one line before connecting; --plot writes an
 * SVG of the party's own rows; the revealed list is printed before the session starts.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { freePort } from "../cli/launcher.ts";
import { type CliOutcome, runCli } from "../testing/cli.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MALL = `${ROOT}data/Mall_Customers.csv`;
const INCOME = "Annual Income (k$)";
const SCORE = "Spending Score (1-100)";

const party = (args: string[]): Promise<CliOutcome> => runCli("cli/party.ts", args);

/** Runs party A (listening) and party B (connecting) with their own extra arguments. */
function pair(common: string[], a: string[], b: string[]): Promise<[CliOutcome, CliOutcome]> {
  const port = freePort();
  const timeout = ["--connect-timeout", "10", "--idle-timeout", "10"];
  return Promise.all([
    party(["--role", "0", "--listen", `127.0.0.1:${port}`, ...timeout, ...common, ...a]),
    party(["--role", "1", "--connect", `127.0.0.1:${port}`, ...timeout, ...common, ...b]),
  ]);
}

const COMMON = ["--data", MALL, "--k", "3", "--init", "rows:0,1,2", "--max-iter", "2"];

for (
  const [title, a, b] of [
    ["different feature columns", `${INCOME},${SCORE}`, `Age,${SCORE}`],
    ["the same columns in another order", `${INCOME},${SCORE}`, `${SCORE},${INCOME}`],
  ]
) {
  Deno.test(`horizontal parties with ${title} both exit 2 naming "features"`, async () => {
    const [ra, rb] = await pair(COMMON, ["--features", a], ["--features", b]);
    for (const r of [ra, rb]) {
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const lines = r.stderr.trim().split("\n");
      assert.match(lines[lines.length - 1], /^error: .*"features"/);
    }
  });
}

Deno.test("party --plot writes an SVG of its own rows and prints the revealed list first", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const features = ["--features", `${INCOME},${SCORE}`];
    const [ra, rb] = await pair(
      COMMON,
      [...features, "--plot", `${dir}/a.svg`],
      [...features, "--plot", `${dir}/b.svg`, "--json", `${dir}/b.json`],
    );
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    for (const r of [ra, rb]) {
      const revealedAt = r.stdout.indexOf("revealed by this run:");
      const sessionAt = r.stdout.indexOf("session established");
      assert.ok(revealedAt >= 0 && revealedAt < sessionAt, r.stdout);
      assert.match(r.stdout, /feature names of each party/);
    }
    for (const name of ["a", "b"]) {
      const svg = await Deno.readTextFile(`${dir}/${name}.svg`);
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svg, /<\/svg>\s*$/);
      assert.ok(svg.includes(INCOME) && svg.includes(SCORE), "axes named after the columns");
      // This party's 200 own rows drawn as circles, and the 3 centroids as crosses.
      assert.equal((svg.match(/aria-roledescription="circle"/g) ?? []).length, 200);
      assert.equal((svg.match(/aria-roledescription="point"/g) ?? []).length, 3);
    }
    const json = JSON.parse(await Deno.readTextFile(`${dir}/b.json`));
    assert.equal(json.labels.length, 200);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (
  const [title, args, pattern] of [
    ["a --plot path without .svg", ["--plot", "/tmp/x.png"], /--plot .*\.svg/],
    ["a --plot path in a missing directory", ["--plot", "/nonexistent-dir/x.svg"], /--plot/],
    ["a --json path in a missing directory", ["--json", "/nonexistent-dir/a.json"], /--json/],
  ] as const
) {
  Deno.test(`party with ${title} exits 2 in one line before connecting`, async () => {
    const r = await party([
      "--role",
      "0",
      "--listen",
      `127.0.0.1:${freePort()}`,
      "--connect-timeout",
      "30",
      ...COMMON,
      "--features",
      `${INCOME},${SCORE}`,
      ...args,
    ]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], pattern);
    assert.doesNotMatch(r.stdout, /waiting|listening/i);
  });
}

Deno.test("vertical party --plot draws its own feature against the centroids' own coordinate", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const common = [...COMMON, "--partition", "vertical", "--id", "CustomerID"];
    const [ra, rb] = await pair(
      common,
      ["--features", INCOME],
      ["--features", SCORE, "--plot", `${dir}/b.svg`, "--json", `${dir}/b.json`],
    );
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    const svg = await Deno.readTextFile(`${dir}/b.svg`);
    assert.ok(svg.includes(SCORE) && !svg.includes(INCOME), "only B's own feature is drawn");
    assert.equal((svg.match(/aria-roledescription="circle"/g) ?? []).length, 200);
    assert.equal((svg.match(/aria-roledescription="point"/g) ?? []).length, 3);
    // The joint centroids list A's feature, then B's; B's plot used the second coordinate.
    const json = JSON.parse(await Deno.readTextFile(`${dir}/b.json`));
    assert.deepEqual(json.featureNames, [INCOME, SCORE]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
