import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { checkRowsForK, DataError, loadCsv, parseCsv, splitCsvLine } from "../data/mod.ts";

const MALL = fileURLToPath(new URL("../data/Mall_Customers.csv", import.meta.url));

/** Asserts that `fn` throws a one-line DataError with exit code 2 whose message has `parts`. */
function assertDataError(fn: () => unknown, ...parts: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DataError, `expected a DataError, got ${caught}`);
  assert.equal(caught.exitCode, 2);
  assert.ok(!/[\r\n]/.test(caught.message), `message is not one line: ${caught.message}`);
  for (const part of parts) {
    assert.ok(caught.message.includes(part), `"${caught.message}" lacks "${part}"`);
  }
}

async function assertLoadError(path: string, ...parts: string[]): Promise<void> {
  await assert.rejects(() => loadCsv(path, { features: [0] }), (error: unknown) => {
    assert.ok(error instanceof DataError);
    assert.equal(error.exitCode, 2);
    assert.ok(!/[\r\n]/.test(error.message));
    for (const part of parts) assert.ok(error.message.includes(part), error.message);
    return true;
  });
}

Deno.test("loads the Mall features by name and the ID column", async () => {
  const data = await loadCsv(MALL, {
    features: ["Annual Income (k$)", "Spending Score (1-100)"],
    id: "CustomerID",
  });
  assert.equal(data.n, 200);
  assert.equal(data.d, 2);
  assert.deepEqual(data.featureNames, ["Annual Income (k$)", "Spending Score (1-100)"]);
  // First and last data lines of the file: 1,Male,19,15,39 and 200,Male,30,137,83.
  assert.deepEqual(Array.from(data.rows.subarray(0, 2)), [15, 39]);
  assert.deepEqual(Array.from(data.rows.subarray(398, 400)), [137, 83]);
  assert.equal(data.ids?.[0], "1");
  assert.equal(data.ids?.[199], "200");
});

Deno.test("selects columns by 0-based index, as numbers or digit strings", async () => {
  const byIndex = await loadCsv(MALL, { features: [3, "4"] });
  const byName = await loadCsv(MALL, {
    features: ["Annual Income (k$)", "Spending Score (1-100)"],
  });
  assert.deepEqual(byIndex.rows, byName.rows);
  assert.equal(byIndex.ids, undefined);
});

Deno.test("a digit string that is a header name selects by name", () => {
  const data = parseCsv("1,0\n5,7\n", "t.csv", { features: ["0"] });
  assert.deepEqual(Array.from(data.rows), [7]);
});

Deno.test("features 'all' takes every column except the ID", () => {
  const data = parseCsv("id,a,b\nx,1,2\ny,3,4\n", "t.csv", { features: "all", id: "id" });
  assert.deepEqual(data.featureNames, ["a", "b"]);
  assert.deepEqual(Array.from(data.rows), [1, 2, 3, 4]);
  assert.deepEqual(data.ids, ["x", "y"]);
});

Deno.test("quoted fields with escaped quotes, commas and newlines parse", () => {
  const text = 'name,"x, value",y\n"Smith, ""J""",1.5,2\n"multi\nline",-3,"4e1"\n';
  const data = parseCsv(text, "q.csv", { features: ["x, value", "y"], id: "name" });
  assert.deepEqual(Array.from(data.rows), [1.5, 2, -3, 40]);
  assert.deepEqual(data.ids, ['Smith, "J"', "multi\nline"]);
});

Deno.test("CRLF, CR-only, no trailing newline, blank lines and a BOM all parse", () => {
  const expected = [1, 2, 3, 4];
  for (
    const text of [
      "a,b\r\n1,2\r\n3,4\r\n",
      "a,b\r1,2\r3,4",
      "a,b\n1,2\n3,4",
      "\uFEFFa,b\n1,2\n\n3,4\n\n",
    ]
  ) {
    const data = parseCsv(text, "t.csv", { features: ["a", "b"] });
    assert.deepEqual(Array.from(data.rows), expected, JSON.stringify(text));
  }
});

Deno.test("a BOM read from disk is stripped from the first header name", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeFile(
      path,
      new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("a,b\n1,2\n")]),
    );
    const data = await loadCsv(path, { features: ["a"] });
    assert.deepEqual(Array.from(data.rows), [1]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a missing file is a one-line error naming the file", async () => {
  await assertLoadError("no/such/file.csv", "no/such/file.csv", "no such file");
});

Deno.test("a directory is reported as unreadable", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertLoadError(dir, dir, "cannot read");
  } finally {
    await Deno.remove(dir);
  }
});

Deno.test("invalid UTF-8 is rejected", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeFile(path, new Uint8Array([0x61, 0x0a, 0xff, 0xfe, 0x0a]));
    await assertLoadError(path, path, "UTF-8");
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("an empty file is an error", async () => {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await assertLoadError(path, path, "line 1", "empty");
  } finally {
    await Deno.remove(path);
  }
  assertDataError(() => parseCsv("\n\n", "e.csv", { features: [0] }), "e.csv", "empty");
});

Deno.test("a header without rows is an error", () => {
  assertDataError(
    () => parseCsv("a,b\n", "h.csv", { features: ["a"] }),
    "h.csv",
    "line 2",
    "no data rows",
  );
});

Deno.test("an unknown column name is an error listing the columns", () => {
  assertDataError(
    () => parseCsv("a,b\n1,2\n", "u.csv", { features: ["a", "c"] }),
    "u.csv",
    "line 1",
    'unknown column "c"',
    '"a", "b"',
  );
});

Deno.test("an out-of-range column index is an error", () => {
  assertDataError(
    () => parseCsv("a,b\n1,2\n", "u.csv", { features: [2] }),
    "u.csv",
    "line 1",
    "out of range",
  );
  assertDataError(() => parseCsv("a,b\n1,2\n", "u.csv", { features: ["7"] }), "out of range");
});

Deno.test("a duplicate header name is an error naming both columns", () => {
  assertDataError(
    () => parseCsv("a,b,a\n1,2,3\n", "d.csv", { features: ["b"] }),
    "d.csv",
    "line 1",
    "column 3",
    'duplicate header name "a"',
    "column 1",
  );
});

Deno.test("selecting the same feature twice is an error", () => {
  assertDataError(() => parseCsv("a,b\n1,2\n", "s.csv", { features: ["a", 0] }), "twice");
});

Deno.test("a ragged row is an error naming its line", () => {
  assertDataError(
    () => parseCsv("a,b\n1,2\n3\n4,5\n", "r.csv", { features: ["a"] }),
    "r.csv",
    "line 3",
    "column 2",
    "1 fields",
    "header has 2",
  );
  assertDataError(
    () => parseCsv("a,b\n1,2,3\n", "r.csv", { features: ["a"] }),
    "line 2",
    "3 fields",
  );
});

Deno.test("non-numeric, NaN, Infinity, empty and overflowing cells are errors", () => {
  const cases: [string, string][] = [
    ["abc", '"abc" is not a finite decimal number'],
    ["NaN", '"NaN"'],
    ["Infinity", '"Infinity"'],
    ["-Infinity", '"-Infinity"'],
    ["0x10", '"0x10"'],
    ["", "empty cell"],
    ["1e400", "out of the float64 range"],
  ];
  for (const [cell, message] of cases) {
    assertDataError(
      () => parseCsv(`id,a,b\n1,2,3\n2,4,${cell}\n`, "n.csv", { features: ["a", "b"] }),
      "n.csv",
      "line 3",
      'column 3 ("b")',
      message,
    );
  }
});

Deno.test("non-numeric cells in unselected columns are fine", async () => {
  const data = await loadCsv(MALL, { features: ["Age"] }); // Gender is text, not selected
  assert.equal(data.n, 200);
});

Deno.test("line numbers count the lines inside quoted fields", () => {
  assertDataError(
    () => parseCsv('a,b\n"x\ny",1\n2,zz\n', "m.csv", { features: ["b"] }),
    "line 4",
    'column 2 ("b")',
  );
});

Deno.test("an unterminated quote and a stray quote are errors", () => {
  assertDataError(
    () => parseCsv('a,b\n1,"2\n', "q.csv", { features: ["a"] }),
    "q.csv",
    "line 2",
    "column 2",
    "never closed",
  );
  assertDataError(
    () => parseCsv('a,b\n1,2"3\n', "q.csv", { features: ["a"] }),
    "line 2",
    "column 2",
    "stray quote",
  );
  assertDataError(
    () => parseCsv('a,b\n"1"x,2\n', "q.csv", { features: ["a"] }),
    "line 2",
    "column 1",
    "after a closing quote",
  );
});

Deno.test("fewer rows than k is an error", () => {
  const data = parseCsv("a\n1\n2\n3\n", "k.csv", { features: ["a"] });
  checkRowsForK(data, 3);
  assertDataError(() => checkRowsForK(data, 4), "k.csv", "3 data rows", "k = 4");
});

Deno.test("a command-line list splits like a CSV line, quotes included", () => {
  assert.deepEqual(splitCsvLine('"x, value",y,3', "--features"), ["x, value", "y", "3"]);
  assertDataError(() => splitCsvLine("a\nb", "--features"), "--features", "one line");
  assertDataError(() => splitCsvLine('"a', "--features"), "never closed");
});
