/**
 * Checks that imports between top-level folders point one way only.
 *
 * The production layers are {@link LAYER_ORDER}, lowest first: a file may import its own layer
 * and any layer to its left, never one to its right. Besides the chain ({@link DEFAULT_RULES}):
 * - `data/` may import only `core/`, and only `jobs/` and `cli/` (and test code) may import it;
 * - `testing/`, the shared test harness, may import any production folder, and no production
 *   folder may import `testing/`, `tests/`, `bench/` or `tools/`;
 * - `tests/`, `bench/` and `tools/` may import anything;
 * - the root `mod.ts` may import any layer of the chain (not `data/`).
 *
 * Every `.ts` file under the root is read (`.git`, `node_modules` and hidden folders skipped);
 * its static, type-only, re-export, side-effect and literal dynamic imports are found by a small
 * lexer that skips comments, strings, template literals and regular expressions. Relative
 * specifiers are resolved to a top-level folder; others (`npm:`, `node:`, import-map names) are
 * allowed. A relative import that leaves the root, a folder or root file with `.ts` files that
 * the rules do not mention, and an import of such a folder are violations too.
 *
 * To add a folder: put a new layer at its place in {@link LAYER_ORDER}, or give a side folder
 * an entry in `side` (what it may import, which layers may import it), or list it in `harness`
 * or `free` of {@link DEFAULT_RULES}.
 *
 * Usage: `deno run --allow-read tools/lint_layers.ts [root]` (default root: this repository).
 * Prints one line per violation and a count, exit code 1; or `layers: N files, no violation`.
 *
 * @module
 */

import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The production layers, lowest first: each may import only itself and layers to its left. */
export const LAYER_ORDER = ["core", "party", "ot", "protocol", "kmeans", "jobs", "cli"] as const;

/** Which top-level folder (or root file) may import which. */
export interface LayerRules {
  /** Production layers, lowest first: a layer may import itself and any layer to its left. */
  layers: readonly string[];
  /** Production folders outside the chain: what each may import, which layers may import it. */
  side: Readonly<Record<string, { imports: readonly string[]; importers: readonly string[] }>>;
  /** Shared test harness folders: may import production code; production may not import them. */
  harness: readonly string[];
  /** Folders that may import anything and that production may not import. */
  free: readonly string[];
  /** Files at the root and the folders each may import. */
  rootFiles: Readonly<Record<string, readonly string[]>>;
}

/** The rules of this repository (see the module documentation). */
export const DEFAULT_RULES: LayerRules = {
  layers: LAYER_ORDER,
  // The root mod.ts is the public API, which includes the CSV loader and synthetic data.
  side: { data: { imports: ["core"], importers: ["jobs", "cli", "mod.ts"] } },
  harness: ["testing"],
  free: ["tests", "bench", "tools"],
  rootFiles: { "mod.ts": [...LAYER_ORDER, "data"] },
};

/** One broken rule; `message` is the line the script prints. */
export interface Violation {
  /** Path of the importing file (or of the unknown folder), relative to the root. */
  file: string;
  /** 1-based line of the specifier; 0 for an unknown folder. */
  line: number;
  /** The module specifier as written, or null for an unknown folder. */
  specifier: string | null;
  /** `file:line: imports "spec" (reason)`, or `folder/: reason`. */
  message: string;
}

interface Token {
  t: string; // identifier, punctuation character, or a quote for string literals
  s?: string; // value of a string literal (or of a template literal without substitutions)
  line: number;
}

const REGEX_AFTER = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "void"]);
REGEX_AFTER.add("delete").add("throw").add("yield").add("await").add("instanceof");

/** Splits TypeScript source into identifiers, punctuation and string literals. */
function lex(src: string): Token[] {
  const toks: Token[] = [];
  const substitutions: number[] = []; // brace depth at which each open `${` began
  let i = 0, line = 1, depth = 0;
  const template = (head: boolean) => { // i is just past "`" (head) or the "}" of a `${`
    let text = "";
    const start = line;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === "`") return void toks.push({ t: "`", s: head ? text : undefined, line: start });
      if (c === "$" && src[i + 1] === "{") {
        i++, substitutions.push(depth++);
        return void toks.push({ t: "${", line });
      }
      if (c === "\\") i++;
      if (src[i] === "\n") line++;
      text += src[i] ?? "";
    }
  };
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === "\n") line++;
    else if (/\s/.test(c)) continue;
    else if (c === "/" && src[i + 1] === "/") {
      while (i + 1 < src.length && src[i + 1] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? src.length : end + 2;
      for (; i < stop - 1; i++) if (src[i] === "\n") line++;
    } else if (c === '"' || c === "'") {
      let text = "";
      for (i++; i < src.length && src[i] !== c; i++) {
        if (src[i] === "\\") i++;
        if (src[i] === "\n") line++;
        text += src[i] ?? "";
      }
      toks.push({ t: c, s: text, line });
    } else if (c === "`") i++, template(true);
    else if (c === "}" && substitutions.at(-1) === depth - 1) {
      substitutions.pop(), depth--, i++, template(false);
    } else if (
      c === "/" && (toks.length === 0 || REGEX_AFTER.has(toks.at(-1)!.t) ||
        !/^[\w$)\]}"'`]/.test(toks.at(-1)!.t))
    ) {
      const start = i;
      for (let inClass = false; ++i < src.length && src[i] !== "\n";) {
        if (src[i] === "\\") i++;
        else if (src[i] === "[") inClass = true;
        else if (src[i] === "]") inClass = false;
        else if (src[i] === "/" && !inClass) break;
      }
      if (src[i] !== "/") { // not a regular expression after all
        i = start;
        toks.push({ t: "/", line });
        continue;
      }
      while (/[\w$]/.test(src[i + 1] ?? "")) i++; // flags
      toks.push({ t: "/regex/", line });
    } else if (/[\w$]/.test(c)) {
      let j = i;
      while (/[\w$]/.test(src[j + 1] ?? "")) j++;
      toks.push({ t: src.slice(i, j + 1), line });
      i = j;
    } else {
      if (c === "{") depth++;
      if (c === "}") depth--;
      toks.push({ t: c, line });
    }
  }
  return toks;
}

/** The module specifiers that `src` imports or re-exports, with their lines. */
export function findSpecifiers(src: string): { specifier: string; line: number }[] {
  const tk = lex(src);
  const out: { specifier: string; line: number }[] = [];
  const str = (k: number) => tk[k]?.s;
  const take = (k: number) => out.push({ specifier: tk[k].s!, line: tk[k].line });
  for (let k = 0; k < tk.length; k++) {
    if (tk[k - 1]?.t === "." || (tk[k].t !== "import" && tk[k].t !== "export")) continue;
    let j = k + 1;
    if (tk[k].t === "import") {
      if (tk[j]?.t === "(") {
        if (str(j + 1) !== undefined && /^[),]$/.test(tk[j + 2]?.t ?? "")) take(j + 1);
      } else if (str(j) !== undefined) take(j);
      else {
        for (let d = 0; j < tk.length; j++) { // import clause, up to `from "x"`
          const t = tk[j].t;
          if (t === "{") d++;
          else if (t === "}") d--;
          else if (t === "from" && d === 0 && str(j + 1) !== undefined) take(j + 1);
          if (d === 0 && (/^[;=]$/.test(t) || t === "from" || str(j) !== undefined)) break;
        }
      }
      continue;
    }
    if (tk[j]?.t === "type") j++;
    if (tk[j]?.t === "*") j += tk[j + 1]?.t === "as" ? 3 : 1;
    else if (tk[j]?.t === "{") {
      while (j < tk.length && tk[j].t !== "}") j++;
      j++;
    } else continue;
    if (tk[j]?.t === "from" && str(j + 1) !== undefined) take(j + 1);
  }
  return out;
}

/** Every `.ts` file under `root`, sorted, skipping `.git`, `node_modules` and hidden folders. */
export function tsFiles(root: string): string[] {
  const out: string[] = [];
  const entries = [...Deno.readDirSync(root)].sort((a, b) => a.name < b.name ? -1 : 1);
  for (const e of entries) {
    const path = join(root, e.name);
    if (e.isDirectory && !e.name.startsWith(".") && e.name !== "node_modules") {
      out.push(...tsFiles(path));
    } else if (e.isFile && e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Whether the rules mention the top-level folder or root file `u`. */
const isKnown = (u: string, r: LayerRules) =>
  r.layers.includes(u) || u in r.side || r.harness.includes(u) || r.free.includes(u) ||
  u in r.rootFiles;

/** Why `from` may not import `to`, or undefined when it may. */
function verdict(from: string, to: string, r: LayerRules): string | undefined {
  const label = (u: string) => r.layers.includes(u) ? `layer ${u}` : u;
  const no = (why?: string) =>
    `${label(from)} may not depend on ${label(to)}${why ? `: ${why}` : ""}`;
  if (from === to || r.free.includes(from)) return undefined;
  if (!isKnown(to, r)) return no(`${to} is not in the layer rules`);
  if (r.harness.includes(from)) {
    return r.free.includes(to) ? no("test harness may import only production code") : undefined;
  }
  const only = r.rootFiles[from] ?? r.side[from]?.imports;
  if (only) return only.includes(to) ? undefined : no(`${from} may import only ${only.join(", ")}`);
  if (r.layers.includes(to)) {
    return r.layers.indexOf(to) > r.layers.indexOf(from) ? no() : undefined;
  }
  const side = r.side[to];
  if (side) {
    return side.importers.includes(from)
      ? undefined
      : no(`${to} may be imported only by ${side.importers.join(", ")} and test code`);
  }
  if (to in r.rootFiles) return no(`${to} is an entry point, not a dependency`);
  return no("production code may not import test or tool code");
}

/** Checks every `.ts` file under `root` against `rules`; returns the violations in file order. */
export function checkLayers(root: string, rules: LayerRules = DEFAULT_RULES): Violation[] {
  const out: Violation[] = [];
  const rel = (p: string) => relative(root, p).replaceAll("\\", "/");
  const files = tsFiles(root);
  const unitOf = (relPath: string) => relPath.split("/")[0];
  const reported = new Set<string>();
  for (const file of files) {
    const name = rel(file), from = unitOf(name);
    if (!isKnown(from, rules)) {
      if (reported.has(from)) continue;
      reported.add(from);
      const isDir = name.includes("/");
      const count = files.filter((f) => unitOf(rel(f)) === from).length;
      const what = isDir
        ? `${from}/: unknown top-level folder with ${count} .ts file(s)`
        : `${from}: unknown root file`;
      const message = `${what}; add it to the rules in tools/lint_layers.ts`;
      out.push({ file: isDir ? `${from}/` : from, line: 0, specifier: null, message });
      continue;
    }
    for (const { specifier, line } of findSpecifiers(Deno.readTextFileSync(file))) {
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
      const target = rel(resolve(dirname(file), specifier));
      const why = target === ".." || target.startsWith("../") || isAbsolute(target)
        ? "it resolves outside the root"
        : verdict(from, unitOf(target), rules);
      const message = `${name}:${line}: imports "${specifier}" (${why})`;
      if (why) out.push({ file: name, line, specifier, message });
    }
  }
  return out;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? fileURLToPath(new URL("..", import.meta.url));
  const violations = checkLayers(root);
  const files = tsFiles(root).length;
  for (const v of violations) console.log(v.message);
  if (violations.length > 0) {
    console.log(`layers: ${violations.length} violation(s) in ${files} files`);
    Deno.exit(1);
  }
  console.log(`layers: ${files} files, no violation`);
}
