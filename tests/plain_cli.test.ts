import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadCsv } from "../data/mod.ts";
import { elbowPlotSvg, kmeans } from "../kmeans/mod.ts";
import { runCli } from "../testing/cli.ts";

const MALL = fileURLToPath(new URL("../data/Mall_Customers.csv", import.meta.url));

const runPlain = (args: string[]) =>
  runCli("cli/plain.ts", args, ["--allow-read", "--allow-write", "--allow-env"]);

/** Throws unless `svg` is a well-formed SVG document (balanced tags, quoted attributes). */
function assertWellFormedSvg(svg: string): void {
  assert.ok(svg.trimStart().startsWith("<svg"), "does not start with <svg");
  const tag =
    /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/g;
  const stack: string[] = [];
  let last = 0;
  let match: RegExpExecArray | null;
  while ((match = tag.exec(svg)) !== null) {
    assert.ok(!svg.slice(last, match.index).includes("<"), `stray '<' near ${match.index}`);
    last = tag.lastIndex;
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name, `mismatched </${name}>`);
    else stack.push(name);
  }
  assert.ok(!svg.slice(last).includes("<"));
  assert.deepEqual(stack, [], "unclosed tags");
}

Deno.test("plain defaults print 5 clusters matching the library on Mall", async () => {
  const result = await runPlain([]);
  assert.equal(result.code, 0, result.stderr);
  const data = await loadCsv(MALL, { features: ["Annual Income (k$)", "Spending Score (1-100)"] });
  const expected = kmeans(data, { k: 5, init: "rows:0,40,80,120,160", maxIter: 10, tol: 1e-4 });
  assert.match(result.stdout, /init rows:0,40,80,120,160/);
  assert.match(result.stdout, new RegExp(`${expected.nIter} iterations`));
  for (let j = 0; j < 5; j++) {
    const row = [
      String(j),
      String(expected.sizes[j]),
      expected.centroids[2 * j].toFixed(4),
      expected.centroids[2 * j + 1].toFixed(4),
    ];
    assert.match(result.stdout, new RegExp(`^${row.join("\\s+")}$`, "m"));
  }
  assert.match(result.stdout, new RegExp(`inertia ${expected.inertia.toFixed(4)}`));
});

Deno.test("plain --json writes centroids, sizes, inertia, nIter and labels", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/out.json`;
    const result = await runPlain(["--fixed-point", "--json", path, "--k", "3", "--seed", "4"]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(await Deno.readTextFile(path));
    const data = await loadCsv(MALL, {
      features: ["Annual Income (k$)", "Spending Score (1-100)"],
    });
    const expected = kmeans(data, {
      k: 3,
      init: "kmeans++",
      seed: 4,
      maxIter: 10,
      arithmetic: "fixed",
    });
    assert.deepEqual(json.sizes, Array.from(expected.sizes));
    assert.deepEqual(json.labels, Array.from(expected.labels));
    assert.equal(json.nIter, expected.nIter);
    assert.equal(json.inertia, expected.inertia);
    assert.deepEqual(json.centroids.flat(), Array.from(expected.centroids));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plain --plot writes a well-formed SVG with named axes and all points", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/plot.svg`;
    const result = await runPlain(["--plot", path]);
    assert.equal(result.code, 0, result.stderr);
    const svg = await Deno.readTextFile(path);
    assertWellFormedSvg(svg);
    assert.ok(svg.includes("Annual Income (k$)"));
    assert.ok(svg.includes("Spending Score (1-100)"));
    // 200 data circles plus 5 centroid crosses, each a <path> inside a mark-symbol group.
    const symbols = svg.match(/<path[^>]*transform="translate\([^)]*\)"/g) ?? [];
    assert.ok(symbols.length >= 205, `only ${symbols.length} symbols`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the elbow plot is a well-formed SVG with a line", async () => {
  const svg = await elbowPlotSvg([
    { k: 1, inertia: 100 },
    { k: 2, inertia: 40 },
    { k: 3, inertia: 30 },
  ]);
  assertWellFormedSvg(svg);
  assert.ok(svg.includes("mark-line"));
  assert.ok(svg.includes("inertia"));
});

Deno.test("plain --features takes quoted names and indices", async () => {
  const byName = await runPlain(["--features", '"Annual Income (k$)",Spending Score (1-100)']);
  const byIndex = await runPlain(["--features", "3,4"]);
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(byIndex.stdout, byName.stdout);
});

Deno.test("plain --help exits 0 and lists the options", async () => {
  const result = await runPlain(["--help"]);
  assert.equal(result.code, 0);
  for (const flag of ["--data", "--features", "--k", "--init", "--fixed-point", "--plot"]) {
    assert.ok(result.stdout.includes(flag), flag);
  }
});

Deno.test("bad flags and bad input exit 2 with one line on stderr", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const headerOnly = `${dir}/header.csv`;
    await Deno.writeTextFile(headerOnly, "a,b\n");
    const ragged = `${dir}/ragged.csv`;
    await Deno.writeTextFile(ragged, "a,b\n1,2\n3\n");
    const cases: [string[], string][] = [
      [["--bogus"], "--bogus"],
      [["--k"], "--k"],
      [["--k", "two"], "--k"],
      [["--k", "0"], "--k"],
      [["--max-iter", "1.5"], "--max-iter"],
      [["--tol", "abc"], "--tol"],
      [["--init", "best"], "--init"],
      [["--init", "rows:0,1,2,3,500"], "out of range"],
      [["--init", "rows:0,1,2,3,3"], "twice"],
      [["--frac-bits", "8"], "--fixed-point"],
      [["--plot", "x.png"], ".svg"],
      [["positional"], "positional"],
      [["--data", `${dir}/missing.csv`], "missing.csv"],
      [["--data", headerOnly], "no data rows"],
      [["--data", ragged], "line 3"],
      [["--features", "Nope"], "unknown column"],
      [["--features", "Gender"], "not a finite decimal number"],
      [["--k", "201"], "k = 201"],
      // Output paths are checked before the run, so nothing is printed.
      [["--json", `${dir}/no-such-dir/x.json`], "--json"],
      [["--plot", `${dir}/no-such-dir/x.svg`], "--plot"],
      [["--json", dir], "directory"],
    ];
    for (const [args, part] of cases) {
      const result = await runPlain(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      const lines = result.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, `${args.join(" ")}: ${result.stderr}`);
      assert.ok(lines[0].startsWith("error: "), lines[0]);
      assert.ok(lines[0].includes(part), `${lines[0]} lacks ${part}`);
      assert.equal(result.stdout, "");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
