/**
 * What the two-process benchmark scripts share: argument checks, a free loopback port, and
 * starting the script itself twice (`--role 0` and `--role 1`) so the two parties run as
 * separate processes over TCP, as in real use.
 *
 * @module
 */

/** Parses a positive integer option; throws a RangeError naming the option otherwise. */
export function positiveInt(text: string | undefined, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** A loopback TCP port that was free a moment ago (the benchmark's parties bind it next). */
export async function freePort(): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await Promise.resolve();
  return port;
}

/**
 * Runs `script` (a file URL) as party 0 and party 1 with `args` plus `--role R --port P`;
 * party 0's output is shown, party 1's is discarded. Returns 0, or 1 if either party failed.
 */
export async function launchBothRoles(script: string, args: string[]): Promise<number> {
  const port = await freePort();
  const child = (role: number) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-env",
        new URL(script).pathname,
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
