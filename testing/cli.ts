/**
 * Runs one of the project's command-line programs to completion in a child Deno process, as a
 * user would, and captures its exit code and output (tests only).
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const CONFIG = new URL("deno.json", ROOT).pathname;

/** Exit code and decoded output of a finished CLI run. */
export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` (a path relative to the repository root, e.g. `cli/launch.ts`) with `args`.
 * `permissions` defaults to all; pass the task's own flags to check they are enough.
 */
export async function runCli(
  script: string,
  args: string[],
  permissions: string[] = ["-A"],
): Promise<CliOutcome> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${CONFIG}`,
      ...permissions,
      new URL(script, ROOT).pathname,
      ...args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}
