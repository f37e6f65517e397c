/**
 * The launch works from a checkout whose path contains a space: every path the launcher
 * derives from its own location (the demo CSV, the party script, deno.json) must be a file
 * path, not a URL's percent-encoded pathname. The test copies what `deno task launch` needs
 * into such a directory and runs the Mall demo there with the task's permissions (vertical, so
 * both parties read the demo CSV at the copied path; k = 2 and one update to stay fast).
 */
import assert from "node:assert/strict";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT, runCliAt } from "../testing/cli.ts";

/** What `cli/launch.ts` imports or reads, relative to the repository root. */
const NEEDED = ["cli", "core", "data", "jobs", "kmeans", "ot", "party", "protocol"];
const CONFIG_FILES = ["deno.json", "deno.lock"];

/** `deno task launch`'s permissions (deno.json). */
const LAUNCH_PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-net",
  "--allow-run",
  "--allow-env",
];

Deno.test("launch runs from a checkout path that contains a space", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ppkm checkout " });
  try {
    const root = join(dir, "two party");
    for (const folder of NEEDED) {
      await cp(join(REPO_ROOT, folder), join(root, folder), { recursive: true });
    }
    for (const file of CONFIG_FILES) await cp(join(REPO_ROOT, file), join(root, file));
    const run = await runCliAt({
      root,
      script: "cli/launch.ts",
      args: ["--partition", "vertical", "--k", "2", "--init", "rows:0,1", "--max-iter", "1"],
      permissions: LAUNCH_PERMISSIONS,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes(`party A ${join(root, "data/Mall_Customers.csv")}`), run.stdout);
    assert.match(run.stdout, /differing labels: 0 of 200/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
