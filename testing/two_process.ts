/**
 * What the two-process benchmark scripts share: argument checks, a free loopback port, and
 * starting the script itself twice (`--role 0` and `--role 1`) so the two parties run as
 * separate processes over TCP, as in real use.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { parseDecimalInteger } from "../core/validate.ts";
import { freePort } from "../cli/launcher.ts";

/** Parses a positive decimal integer option; throws an InputError naming the option otherwise. */
export function positiveInt(text: string | undefined, name: string): number {
  return parseDecimalInteger(text, `--${name}`, 1, Number.MAX_SAFE_INTEGER);
}

export { freePort } from "../cli/launcher.ts";

/**
 * Runs `script` (a file URL) as party 0 and party 1 with `args` plus `--role R --port P`;
 * party 0's output is shown, party 1's is discarded. Returns 0, or 1 if either party failed.
 */
export async function launchBothRoles(script: string, args: string[]): Promise<number> {
  const port = freePort();
  const child = (role: number) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-env",
        fileURLToPath(script),
        ...args,
        "--role",
        `${role}`,
        "--port",
        `${port}`,
      ],
      stdout: role === 0 ? "inherit" : "null",
      stderr: "inherit",
    }).spawn();
  const statuses = await Promise.all([child(0), child(1)].map((p) => p.status));
  const failed = statuses.findIndex((s) => !s.success);
  if (failed >= 0) {
    console.error(`error: party ${failed} exited with code ${statuses[failed].code}`);
    return 1;
  }
  return 0;
}
