/**
 * Starts both parties as child Deno processes on 127.0.0.1 (demo, tests, harness): a free
 * port, party A (role 0) listening and party B (role 1) connecting, each child's output lines
 * prefixed with its name ("[A] ...", "[B] ..."), each child's JSON report collected from a
 * temporary `--json` file. If one party fails, the other gets a grace period to notice (it
 * should, within seconds, as its channel fails) and is then killed.
 *
 * Security: children inherit nothing secret from the launcher except their own data paths;
 * the launcher never sees shares, only the two public reports.
 *
 * @module
 */

const PARTY_SCRIPT = new URL("../cli/party.ts", import.meta.url);
const CONFIG = new URL("../deno.json", import.meta.url);

/** Names of the two parties in log prefixes. */
export const PARTY_NAMES = ["A", "B"] as const;

/** Options of {@link launchParties}. */
export interface LaunchOptions {
  /** Arguments given to both parties (job, job options, --seed, ...). */
  commonArgs?: string[];
  /** Extra arguments for party A and party B (e.g. their --data and TLS files). */
  partyArgs?: [string[], string[]];
  /** Port to use; default: a free one picked by the OS. */
  port?: number;
  /** Where prefixed output lines go; default `console.log`. */
  log?: (line: string) => void;
  /** How long the surviving party may take to exit after the other failed; default 5 s. */
  killGraceMs?: number;
}

/** Outcome of {@link launchParties}. */
export interface LaunchResult {
  /** Exit codes of A and B. */
  exitCodes: [number, number];
  /** Parsed JSON reports of A and B (null when a party failed). */
  reports: [unknown, unknown];
  /** 0 if both succeeded, else a non-zero code (2 if either party reported a usage error). */
  exitCode: number;
}

/** A free TCP port on 127.0.0.1 (bound and released; a race is possible but harmless here). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Runs both parties to completion; see the module doc. */
export async function launchParties(options: LaunchOptions = {}): Promise<LaunchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const port = options.port ?? freePort();
  const tempDir = await Deno.makeTempDir({ prefix: "ppkm-launch-" });
  try {
    const jsonPaths = [0, 1].map((role) => `${tempDir}/party-${role}.json`);
    const children = [0, 1].map((role) => {
      const args = [
        "run",
        "--quiet",
        "--no-prompt",
        `--config=${CONFIG.pathname}`,
        "--allow-read",
        "--allow-write",
        "--allow-net",
        "--allow-env",
        PARTY_SCRIPT.pathname,
        "--role",
        String(role),
        role === 0 ? "--listen" : "--connect",
        `127.0.0.1:${port}`,
        "--json",
        jsonPaths[role],
        ...(options.commonArgs ?? []),
        ...(options.partyArgs?.[role] ?? []),
      ];
      return new Deno.Command(Deno.execPath(), {
        args,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    });
    const pumps = children.flatMap((child, role) => [
      prefixLines(child.stdout, `[${PARTY_NAMES[role]}] `, log),
      prefixLines(child.stderr, `[${PARTY_NAMES[role]}] `, log),
    ]);
    const exitCodes = await superviseBoth(children, options.killGraceMs ?? 5000, log);
    await Promise.all(pumps);
    const reports = await Promise.all(
      [0, 1].map(async (role) => {
        if (exitCodes[role] !== 0) return null;
        try {
          return JSON.parse(await Deno.readTextFile(jsonPaths[role]));
        } catch {
          return null;
        }
      }),
    ) as [unknown, unknown];
    const failed = exitCodes.filter((code) => code !== 0);
    const exitCode = failed.length === 0 ? 0 : failed.includes(2) ? 2 : failed[0];
    return { exitCodes, reports, exitCode };
  } finally {
    await Deno.remove(tempDir, { recursive: true }).catch(() => {});
  }
}

/** Waits for both children; once one fails, kills the other if it outlives the grace period. */
async function superviseBoth(
  children: Deno.ChildProcess[],
  graceMs: number,
  log: (line: string) => void,
): Promise<[number, number]> {
  const codes: [number, number] = [-1, -1];
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  await Promise.all(children.map(async (child, role) => {
    const status = await child.status;
    codes[role] = status.code !== 0 ? status.code : (status.signal ? 1 : 0);
    if (codes[role] !== 0 && killTimer === undefined) {
      const other = children[1 - role];
      killTimer = setTimeout(() => {
        log(
          `[launch] party ${PARTY_NAMES[1 - role]} still running ${graceMs} ms after ` +
            `${PARTY_NAMES[role]} failed: killing it`,
        );
        try {
          other.kill("SIGKILL");
        } catch {
          // already exited
        }
      }, graceMs);
    }
  }));
  clearTimeout(killTimer);
  return codes;
}

/** Copies a child's output to `log` line by line with a prefix. */
async function prefixLines(
  stream: ReadableStream<Uint8Array>,
  prefix: string,
  log: (line: string) => void,
): Promise<void> {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) log(prefix + line);
  }
  if (pending) log(prefix + pending);
}
