/**
 * tools/lint_layers.ts: fixture trees in a temporary folder, checked in process and by running
 * the script as a user would.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkLayers, DEFAULT_RULES, type Violation } from "../tools/lint_layers.ts";

const SCRIPT = fileURLToPath(new URL("../tools/lint_layers.ts", import.meta.url));

/** A tree that follows every rule, including the imports that must be allowed. */
const CLEAN: Record<string, string> = {
  "core/a.ts": `import { x } from "npm:fast-check@4";\nimport "node:util";\nexport const a = 1;\n`,
  "core/b.ts": `export { a } from "./a.ts";\nimport { sha256 } from "@noble/hashes/sha2.js";\n`,
  "party/p.ts": `import { a } from "../core/a.ts";\n`,
  "ot/o.ts": `import { a } from "../core/a.ts";\nimport "../party/p.ts";\n`,
  "protocol/r.ts": `export * from "../ot/o.ts";\n`,
  "kmeans/k.ts": `import type { R } from "../protocol/r.ts";\n`,
  "data/d.ts": `import { a } from "../core/a.ts";\n`,
  "jobs/j.ts": `import { d } from "../data/d.ts";\nimport { k } from "../kmeans/k.ts";\n`,
  "cli/c.ts": `import { j } from "../jobs/j.ts";\nimport { d } from "../data/d.ts";\n`,
  "testing/h.ts": `import "../cli/c.ts";\nimport "../data/d.ts";\nimport "../mod.ts";\n`,
  "tests/t.ts": `import "../testing/h.ts";\nimport "../data/d.ts";\nimport "./u.ts";\n`,
  "tests/u.ts": `export const u = 1;\n`,
  "bench/b.ts": `import "../tests/t.ts";\nimport "../cli/c.ts";\n`,
  "tools/x.ts": `import "../bench/b.ts";\nimport "../mod.ts";\n`,
  "mod.ts": `export * from "./core/a.ts";\nexport * from "./cli/c.ts";\n`,
  "node_modules/m/index.ts": `import "../../cli/c.ts";\n`, // skipped
  ".hidden/h.ts": `import "../cli/c.ts";\n`, // skipped
};

/** Builds `files` under a fresh temporary root, calls `body` with the root, then removes it. */
async function withTree<T>(files: Record<string, string>, body: (root: string) => T | Promise<T>) {
  const root = await Deno.makeTempDir({ prefix: "lint_layers_" });
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(dirname(join(root, path)), { recursive: true });
      await Deno.writeTextFile(join(root, path), text);
    }
    return await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** The violations of the clean tree plus `extra` files. */
const violationsWith = (extra: Record<string, string>): Promise<Violation[]> =>
  withTree({ ...CLEAN, ...extra }, (root) => checkLayers(root));

const messages = (vs: Violation[]) => vs.map((v) => v.message);

Deno.test("lint_layers: a tree that follows the rules passes", async () => {
  assert.deepEqual(await violationsWith({}), []);
});

Deno.test("lint_layers: an upward import is reported with file, line and specifier", async () => {
  const vs = await violationsWith({
    "party/x.ts": `// one\n\nimport { y } from "../kmeans/k.ts";\n`,
  });
  assert.deepEqual(messages(vs), [
    `party/x.ts:3: imports "../kmeans/k.ts" (layer party may not depend on layer kmeans)`,
  ]);
  assert.deepEqual([vs[0].file, vs[0].line, vs[0].specifier], ["party/x.ts", 3, "../kmeans/k.ts"]);
});

Deno.test("lint_layers: every import form is caught", async () => {
  const src = [
    `export * from "../cli/c.ts";`, // 1
    `export * as ns from "../jobs/j.ts";`, // 2
    `export { k } from "../kmeans/k.ts";`, // 3
    `export type { R } from "../protocol/r.ts";`, // 4
    `import type { J } from "../jobs/j.ts";`, // 5
    `import "../cli/c.ts";`, // 6
    `import {`, // 7
    `  a,`, // 8
    `  type B,`, // 9
    `} from "../kmeans/k.ts";`, // 10
    `export async function f() {`, // 11
    `  const m = await import("../ot/o.ts");`, // 12
    "  return [m, await import(`../jobs/j.ts`)];", // 13
    `}`, // 14
    `type T = import("../cli/c.ts").C;`, // 15
    `import * as all from "../protocol/r.ts";`, // 16
  ].join("\n");
  const vs = await violationsWith({ "party/forms.ts": src });
  assert.deepEqual(vs.map((v) => `${v.line} ${v.specifier}`), [
    "1 ../cli/c.ts",
    "2 ../jobs/j.ts",
    "3 ../kmeans/k.ts",
    "4 ../protocol/r.ts",
    "5 ../jobs/j.ts",
    "6 ../cli/c.ts",
    "10 ../kmeans/k.ts",
    "12 ../ot/o.ts",
    "13 ../jobs/j.ts",
    "15 ../cli/c.ts",
    "16 ../protocol/r.ts",
  ]);
});

Deno.test("lint_layers: imports inside comments and strings are not imports", async () => {
  const src = [
    `// import { c } from "../cli/c.ts";`, // 1
    `/* export * from "../cli/c.ts";`, // 2
    `   import("../cli/c.ts") */`, // 3
    `/** See {@link import("../cli/c.ts").C}. */`, // 4
    `const s = 'import x from "../cli/c.ts"';`, // 5
    `const d = "import '../cli/c.ts'";`, // 6
    "const t = `import(\"../cli/c.ts\") ${s.replace(/[\"'`]/g, '')} import '../cli/c.ts'`;", // 7
    `const r = /import "..\\/cli\\/c.ts"/; const q = 4 / 2 / 1;`, // 8
    `const o = { import: "../cli/c.ts", from: "../cli/c.ts" };`, // 9
    "const e = `\\` import('../cli/c.ts') \\``;", // 10
    `const q = "\\" import('../cli/c.ts') \\"" + '\\' import("../cli/c.ts") \\'';`, // 11
    `import { from } from "../jobs/j.ts";`, // 12: the lexer is still in step
  ].join("\n");
  const vs = await violationsWith({ "party/quiet.ts": src });
  assert.deepEqual(messages(vs), [
    `party/quiet.ts:12: imports "../jobs/j.ts" (layer party may not depend on layer jobs)`,
  ]);
});

Deno.test("lint_layers: data/ imports only core/; only jobs/, cli/ and the public mod.ts import it", async () => {
  const vs = await violationsWith({
    "kmeans/uses_data.ts": `import { d } from "../data/d.ts";\n`,
    "data/uses_party.ts": `\nimport { p } from "../party/p.ts";\n`,
    "mod.ts": `export * from "./data/d.ts";\n`,
  });
  assert.deepEqual(messages(vs), [
    `data/uses_party.ts:2: imports "../party/p.ts" (data may not depend on layer party: data may import only core)`,
    `kmeans/uses_data.ts:1: imports "../data/d.ts" (layer kmeans may not depend on data: data may be imported only by jobs, cli, mod.ts and test code)`,
  ]);
});

Deno.test("lint_layers: production may not import testing/, tests/, bench/ or the root", async () => {
  const vs = await violationsWith({
    "cli/harness.ts": `import "../testing/h.ts";\nimport "../tests/u.ts";\n`,
    "core/bench.ts": `import "../bench/b.ts";\nimport "../mod.ts";\n`,
    "testing/up.ts": `import "../tests/u.ts";\n`,
  });
  assert.deepEqual(messages(vs), [
    `cli/harness.ts:1: imports "../testing/h.ts" (layer cli may not depend on testing: production code may not import test or tool code)`,
    `cli/harness.ts:2: imports "../tests/u.ts" (layer cli may not depend on tests: production code may not import test or tool code)`,
    `core/bench.ts:1: imports "../bench/b.ts" (layer core may not depend on bench: production code may not import test or tool code)`,
    `core/bench.ts:2: imports "../mod.ts" (layer core may not depend on mod.ts: mod.ts is an entry point, not a dependency)`,
    `testing/up.ts:1: imports "../tests/u.ts" (testing may not depend on tests: test harness may import only production code)`,
  ]);
});

Deno.test("lint_layers: unknown folders, unknown root files and escapes are reported", async () => {
  const vs = await violationsWith({
    "extras/a.ts": `import "../cli/c.ts";\n`,
    "extras/deep/b.ts": `export const b = 1;\n`,
    "script.ts": `import "./core/a.ts";\n`,
    "party/out.ts": `import "../extras/a.ts";\nimport "../../outside.ts";\n`,
  });
  assert.deepEqual(messages(vs), [
    `extras/: unknown top-level folder with 2 .ts file(s); add it to the rules in tools/lint_layers.ts`,
    `party/out.ts:1: imports "../extras/a.ts" (layer party may not depend on extras: extras is not in the layer rules)`,
    `party/out.ts:2: imports "../../outside.ts" (it resolves outside the root)`,
    `script.ts: unknown root file; add it to the rules in tools/lint_layers.ts`,
  ]);
});

Deno.test("lint_layers: a folder placed in the rules is accepted", async () => {
  const files = { ...CLEAN, "extras/a.ts": `import "../cli/c.ts";\n` };
  const rules = { ...DEFAULT_RULES, layers: [...DEFAULT_RULES.layers, "extras"] };
  assert.deepEqual(await withTree(files, (root) => checkLayers(root, rules)), []);
});

/** Runs the script on `root` as the deno task does. */
async function runScript(root: string): Promise<{ code: number; stdout: string }> {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-read", SCRIPT, root],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return { code, stdout: new TextDecoder().decode(stdout) };
}

Deno.test("lint_layers: the script exits 0 on a good tree and 1 on a bad one", async () => {
  const good = await withTree(CLEAN, runScript);
  assert.deepEqual(good, { code: 0, stdout: "layers: 15 files, no violation\n" });
  const bad = await withTree(
    { ...CLEAN, "core/up.ts": `import "../party/p.ts";\n` },
    runScript,
  );
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stdout,
    `core/up.ts:1: imports "../party/p.ts" (layer core may not depend on layer party)\n` +
      `layers: 1 violation(s) in 16 files\n`,
  );
});
