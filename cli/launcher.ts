/**
 * Starts both parties as child Deno processes on 127.0.0.1 (demo, tests, harness): a free
 * port, party A (role 0) listening and party B (role 1) connecting, each child's stdout lines
 * prefixed with its name ("[A] ...", "[B] ...") on our stdout and its stderr lines, prefixed
 * the same way, on our stderr; each child's JSON report collected from a temporary `--json`
 * file. If one party fails, the other gets a grace period to notice (it should, within
 * seconds, as its channel fails) and is then killed. {@link LaunchResult.failure} repeats the
 * error line of the party that failed first, so a caller's final error line names the cause
 * rather than only exit codes.
 *
 * Interruption: while the parties run, SIGINT and SIGTERM to this process kill both children,
 * remove the launcher's temporary directory and the caller's {@link LaunchOptions.tempDirs},
 * print one line on stderr and exit with 130 (SIGINT) or 143 (SIGTERM), the shell's codes.
 * Without this, Ctrl-C would leave both parties running and their result files (labels
 * included) in /tmp.
 *
 * Security: children inherit nothing secret from the launcher except their own data paths;
 * the launcher never sees shares, only the two public reports, which it deletes with its
 * temporary directory on every exit path.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The party program and the project configuration, as paths (a checkout path may hold spaces). */
const PARTY_SCRIPT = fileURLToPath(new URL("./party.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../deno.json", import.meta.url));

/** How long the surviving party may take to exit after the other failed, by default. */
export const DEFAULT_KILL_GRACE_MS = 5000;

/** On an interrupt: how long the children get after SIGTERM, and again after SIGKILL. */
const INTERRUPT_WAIT_MS = 1000;

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
  /** Where the children's prefixed stdout lines go; default `console.log`. */
  log?: (line: string) => void;
  /** Where the children's prefixed stderr lines go; default `console.error`. */
  errorLog?: (line: string) => void;
  /**
   * The caller's own temporary directories (e.g. split input files), removed together with
   * the launcher's if SIGINT/SIGTERM interrupts the run; the caller removes them otherwise.
   */
  tempDirs?: string[];
  /** Called once both children are spawned: their process ids and the launcher's temp dir. */
  onStart?: (info: { pids: [number, number]; tempDir: string }) => void;
  /**
   * How long (ms) the surviving party may take to exit after the other failed; default
   * {@link DEFAULT_KILL_GRACE_MS}.
   */
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
  /** The last `error: ...` line each party wrote on stderr (without "error: "), or null. */
  errors: [string | null, string | null];
  /**
   * When a party failed: one line naming the party that failed first and repeating its error,
   * then both exit codes, e.g. `party B: cannot read b.csv (party A exited with 137, party B
   * with 2)`. Meant as the caller's final error line. Undefined when both succeeded.
   */
  failure?: string;
}

/** Exit codes of the launcher when interrupted (128 + signal number, as shells report). */
export const INTERRUPT_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

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
  const errorLog = options.errorLog ?? ((line: string) => console.error(line));
  const port = options.port ?? freePort();
  const children: Deno.ChildProcess[] = [];
  const dirs = [...(options.tempDirs ?? [])];
  // Listen before anything is written, and keep listening until it is all removed: the
  // parties' result files hold labels.
  const removeSignalListeners = onInterrupt((signal) => stopOnInterrupt(signal, children, dirs));
  const tempDir = await Deno.makeTempDir({ prefix: "ppkm-launch-" });
  dirs.push(tempDir);
  try {
    const jsonPaths = [0, 1].map((role) => `${tempDir}/party-${role}.json`);
    for (const role of [0, 1]) {
      const args = [
        "run",
        "--quiet",
        "--no-prompt",
        `--config=${CONFIG}`,
        "--allow-read",
        "--allow-write",
        "--allow-net",
        "--allow-env",
        PARTY_SCRIPT,
        "--role",
        String(role),
        role === 0 ? "--listen" : "--connect",
        `127.0.0.1:${port}`,
        "--json",
        jsonPaths[role],
        ...(options.commonArgs ?? []),
        ...(options.partyArgs?.[role] ?? []),
      ];
      children.push(
        new Deno.Command(Deno.execPath(), {
          args,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).spawn(),
      );
    }
    options.onStart?.({ pids: [children[0].pid, children[1].pid], tempDir });
    const errors: [string | null, string | null] = [null, null];
    const pumps = children.flatMap((child, role) => {
      const prefix = `[${PARTY_NAMES[role]}] `;
      return [
        prefixLines(child.stdout, prefix, log),
        prefixLines(child.stderr, prefix, (line) => {
          const text = line.slice(prefix.length);
          if (text.startsWith("error: ")) errors[role] = text.slice("error: ".length);
          errorLog(line);
        }),
      ];
    });
    const { codes: exitCodes, failureOrder } = await superviseBoth(
      children,
      options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      errorLog,
    );
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
    return {
      exitCodes,
      reports,
      exitCode,
      errors,
      failure: exitCode === 0 ? undefined : describeFailure(exitCodes, errors, failureOrder),
    };
  } finally {
    await Deno.remove(tempDir, { recursive: true }).catch(() => {});
    removeSignalListeners();
  }
}

/** The failure line of {@link LaunchResult.failure}: the first failed party with an error. */
function describeFailure(
  codes: [number, number],
  errors: [string | null, string | null],
  failureOrder: number[],
): string {
  const codesText = `party A exited with ${codes[0]}, party B with ${codes[1]}`;
  const first = failureOrder.find((role) => errors[role] !== null);
  return first === undefined
    ? codesText
    : `party ${PARTY_NAMES[first]}: ${errors[first]} (${codesText})`;
}

/**
 * Calls `handler` on SIGINT or SIGTERM (which then no longer end the process by themselves);
 * returns a function that removes the listeners.
 */
function onInterrupt(handler: (signal: InterruptSignal) => void): () => void {
  const installed: [Deno.Signal, () => void][] = [];
  for (const signal of ["SIGHUP", "SIGINT", "SIGTERM"] as const) {
    const listener = () => handler(signal);
    try {
      Deno.addSignalListener(signal, listener);
      installed.push([signal, listener]);
    } catch {
      // a platform without this signal (Windows has no SIGTERM listener)
    }
  }
  return () => {
    for (const [signal, listener] of installed) Deno.removeSignalListener(signal, listener);
  };
}

/** The signals that stop a launch (hang-up, Ctrl-C, kill). */
type InterruptSignal = keyof typeof INTERRUPT_EXIT_CODES;

/** Kills both children, removes `dirs`, prints one line and exits with the signal's code. */
async function stopOnInterrupt(
  signal: InterruptSignal,
  children: Deno.ChildProcess[],
  dirs: string[],
): Promise<never> {
  const ended = Promise.all(children.map((child) => child.status));
  const within = (ms: number) =>
    Promise.race([ended, new Promise((resolve) => setTimeout(resolve, ms))]);
  // SIGTERM first so the parties close their sockets; SIGKILL whatever is left after a while.
  for (const child of children) killQuietly(child, "SIGTERM");
  await within(INTERRUPT_WAIT_MS);
  for (const child of children) killQuietly(child, "SIGKILL");
  await within(INTERRUPT_WAIT_MS);
  await Promise.all(dirs.map((dir) => Deno.remove(dir, { recursive: true }).catch(() => {})));
  console.error(
    `error: interrupted by ${signal}: stopped both parties and removed the temporary files`,
  );
  Deno.exit(INTERRUPT_EXIT_CODES[signal]);
}

function killQuietly(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // already exited
  }
}

/**
 * Waits for both children; once one fails, kills the other if it outlives the grace period.
 * `failureOrder` lists the roles that failed, in the order they exited.
 */
async function superviseBoth(
  children: Deno.ChildProcess[],
  graceMs: number,
  log: (line: string) => void,
): Promise<{ codes: [number, number]; failureOrder: number[] }> {
  const codes: [number, number] = [-1, -1];
  const failureOrder: number[] = [];
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  await Promise.all(children.map(async (child, role) => {
    const status = await child.status;
    codes[role] = status.code !== 0 ? status.code : (status.signal ? 1 : 0);
    if (codes[role] !== 0) failureOrder.push(role);
    if (codes[role] !== 0 && killTimer === undefined) {
      const other = children[1 - role];
      killTimer = setTimeout(() => {
        log(
          `[launch] party ${PARTY_NAMES[1 - role]} still running ${graceMs} ms after ` +
            `${PARTY_NAMES[role]} failed: killing it`,
        );
        killQuietly(other, "SIGKILL");
      }, graceMs);
    }
  }));
  clearTimeout(killTimer);
  return { codes, failureOrder };
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
