/**
 * A child process whose stdout and stderr lines are collected as they arrive, so a test can
 * wait for a line (e.g. "listening on") before it acts and print everything on failure.
 *
 * @module
 */

/** A running child with its output so far. */
export interface WatchedProcess {
  /** The child (kill it, or read its pid). */
  child: Deno.ChildProcess;
  /** stdout and stderr lines so far, in arrival order. */
  lines: string[];
  /** The exit code, once the process ended and its output was read. */
  done: Promise<number>;
  /** Resolves once a line matches `pattern`; rejects on timeout or if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** How long {@link WatchedProcess.waitFor} waits by default. */
const DEFAULT_WAIT_MS = 20_000;

/** Spawns `deno` (this executable) with `args` and `env`, collecting its output lines. */
export function spawnWatched(args: string[], env?: Record<string, string>): WatchedProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let pending = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      pending += text;
      const parts = pending.split("\n");
      pending = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        for (const watcher of watchers) if (watcher.pattern.test(line)) watcher.resolve();
      }
    }
    if (pending) lines.push(pending);
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const done = (async () => {
    const status = await child.status;
    await pumps;
    return status.code;
  })();
  return {
    child,
    lines,
    done,
    waitFor(pattern, timeoutMs = DEFAULT_WAIT_MS) {
      if (lines.some((line) => pattern.test(line))) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern}: ${lines.join(" | ")}`)),
          timeoutMs,
        );
        watchers.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        done.then(() => {
          clearTimeout(timer);
          if (!lines.some((line) => pattern.test(line))) {
            reject(new Error(`exited without ${pattern}: ${lines.join(" | ")}`));
          }
        });
      });
    },
  };
}
