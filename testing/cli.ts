/**
 * Runs one of the project's command-line programs to completion in a child Deno process, as a
 * user would, and captures its exit code and output (tests only).
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** This checkout's root directory (a path: it may contain spaces). */
export const REPO_ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/** Exit code and decoded output of a finished CLI run. */
export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCliAt}. */
export interface RunCliOptions {
  /** Root of the checkout whose script and deno.json run (default: this one). */
  root?: string;
  /** Script path relative to `root`, e.g. `cli/launch.ts`. */
  script: string;
  /** Its arguments. */
  args: string[];
  /** Deno permission flags (default: all). */
  permissions?: string[];
}

/**
 * Runs `script` (a path relative to the repository root, e.g. `cli/launch.ts`) with `args`.
 * `permissions` defaults to all; pass the task's own flags to check they are enough.
 */
export function runCli(
  script: string,
  args: string[],
  permissions: string[] = ["-A"],
): Promise<CliOutcome> {
  return runCliAt({ script, args, permissions });
}

/** {@link runCli} for any checkout: `root`'s script with `root`'s deno.json. */
export async function runCliAt(options: RunCliOptions): Promise<CliOutcome> {
  const root = options.root ?? REPO_ROOT;
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${join(root, "deno.json")}`,
      ...(options.permissions ?? ["-A"]),
      join(root, options.script),
      ...options.args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}
