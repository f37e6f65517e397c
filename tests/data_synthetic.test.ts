import assert from "node:assert/strict";
import { blobCsvChunks, generateBlobs, parseCsv, writeBlobCsv } from "../data/mod.ts";
import { runCli } from "../testing/cli.ts";

function csvText(...args: Parameters<typeof blobCsvChunks>): string {
  return [...blobCsvChunks(...args)].join("");
}

Deno.test("the same seed gives identical CSV text, another seed different text", () => {
  const options = { n: 500, d: 3, k: 4, seed: 11 };
  assert.equal(csvText(options), csvText(options));
  assert.notEqual(csvText(options), csvText({ ...options, seed: 12 }));
});

Deno.test("the rows do not depend on the chunk size", () => {
  const options = { n: 1000, d: 3, k: 4, seed: 5 };
  assert.equal(csvText(options, {}, 7), csvText(options, {}, 1000));
});

Deno.test("header, id and label columns are laid out as documented", () => {
  const text = csvText({ n: 3, d: 2, k: 2, seed: 1 }, { id: true, label: true });
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "id,f0,f1,label");
  assert.equal(lines.length, 4);
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(",");
    assert.equal(cells[0], String(i + 1));
    assert.ok(cells[3] === "0" || cells[3] === "1");
  });
});

Deno.test("the CSV holds the generated rows to 4 decimals and loads back", () => {
  const options = { n: 300, d: 3, k: 3, seed: 9 };
  const { rows } = generateBlobs(options);
  const data = parseCsv(csvText(options, { id: true }), "blobs.csv", { features: "all", id: "id" });
  assert.equal(data.n, 300);
  assert.deepEqual(data.featureNames, ["f0", "f1", "f2"]);
  for (let i = 0; i < rows.length; i++) assert.ok(Math.abs(rows[i] - data.rows[i]) <= 5e-5);
});

Deno.test("blobs have the requested spread around their centres", () => {
  const n = 40000;
  const d = 2;
  const k = 4;
  const spread = 2;
  const { rows, labels, centers } = generateBlobs({ n, d, k, seed: 3, spread });
  const counts = new Array(k).fill(0);
  const sums = new Array(k * d).fill(0);
  const squares = new Array(k * d).fill(0);
  for (let i = 0; i < n; i++) {
    const j = labels[i];
    assert.ok(j >= 0 && j < k);
    counts[j]++;
    for (let t = 0; t < d; t++) {
      const deviation = rows[i * d + t] - centers[j * d + t];
      sums[j * d + t] += deviation;
      squares[j * d + t] += deviation * deviation;
    }
  }
  for (let j = 0; j < k; j++) {
    assert.ok(Math.abs(counts[j] - n / k) < 0.05 * n / k, `blob ${j} has ${counts[j]} rows`);
    for (let t = 0; t < d; t++) {
      // Standard error of the mean is spread / sqrt(10^4) = 0.02: allow 5 of them.
      assert.ok(Math.abs(sums[j * d + t] / counts[j]) < 0.1);
      const variance = squares[j * d + t] / counts[j];
      assert.ok(Math.abs(variance - spread * spread) < 0.1 * spread * spread, `var ${variance}`);
    }
  }
  for (const c of centers) assert.ok(Math.abs(c) <= 10);
});

Deno.test("invalid blob parameters are rejected", () => {
  assert.throws(() => generateBlobs({ n: 0, d: 2, k: 2, seed: 1 }), RangeError);
  assert.throws(() => generateBlobs({ n: 5, d: 2, k: 2, seed: -1 }), RangeError);
  assert.throws(() => generateBlobs({ n: 5, d: 2, k: 2, seed: 1, spread: -1 }), RangeError);
});

Deno.test("writeBlobCsv writes the same bytes as the chunk generator", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    const options = { n: 40000, d: 2, k: 3, seed: 21 };
    await writeBlobCsv(path, options, { label: true });
    assert.equal(await Deno.readTextFile(path), csvText(options, { label: true }));
  } finally {
    await Deno.remove(path);
  }
});

const runGen = (args: string[]) => runCli("cli/gen.ts", args, ["--allow-read", "--allow-write"]);

Deno.test("deno task gen writes byte-identical files for the same seed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = ["--n", "2000", "--d", "3", "--k", "4", "--seed", "8", "--id"];
    const first = await runGen([...args, "--out", `${dir}/a.csv`]);
    const second = await runGen([...args, "--out", `${dir}/b.csv`]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    const a = await Deno.readFile(`${dir}/a.csv`);
    assert.deepEqual(a, await Deno.readFile(`${dir}/b.csv`));
    const text = new TextDecoder().decode(a);
    assert.equal(text.split("\n")[0], "id,f0,f1,f2");
    assert.equal(text.trimEnd().split("\n").length, 2001);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task gen rejects bad flags with exit 2 and one line", async () => {
  for (
    const args of [
      ["--n", "10", "--d", "2", "--k", "2", "--seed", "1"], // no --out
      ["--n", "x", "--d", "2", "--k", "2", "--seed", "1", "--out", "/tmp/never.csv"],
      ["--bogus"],
      ["--n", "10", "--d", "2", "--k", "2", "--seed", "1", "--out", "/no/such/dir/x.csv"],
    ]
  ) {
    const result = await runGen(args);
    assert.equal(result.code, 2, args.join(" "));
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.ok(lines[0].startsWith("error: "));
  }
});

Deno.test("deno task gen refuses more blobs than rows (--k above --n) with exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/x.csv`;
    const result = await runGen(["--n", "3", "--d", "2", "--k", "4", "--seed", "1", "--out", out]);
    assert.equal(result.code, 2, result.stderr);
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /^error: --k 4 .*--n is 3/);
    await assert.rejects(() => Deno.stat(out), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
