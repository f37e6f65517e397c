/**
 * The README's two commands and CI must name the Deno version pinned in `.deno-version`, so a
 * fresh machine runs exactly what CI ran.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, root));

Deno.test("README's demo and test commands use the pinned Deno version", () => {
  const version = read(".deno-version").trim();
  assert.match(version, /^\d+\.\d+\.\d+$/);
  const readme = read("README.md");
  assert.ok(readme.includes(`npx -y deno@${version} task launch`), "demo command");
  assert.ok(readme.includes(`npx -y deno@${version} task test`), "test command");
  assert.ok(
    !/deno@(?!\$)(?!\{)[0-9]/.test(readme.replaceAll(`deno@${version}`, "")),
    "no other pin",
  );
});

Deno.test("CI installs Deno from .deno-version and runs the README's test command", () => {
  const ci = read(".ci/run");
  assert.ok(ci.includes(".deno-version"));
  assert.ok(ci.includes('npx -y "deno@${DENO_VERSION}" task test'));
  assert.ok(ci.includes("task check"));
});
