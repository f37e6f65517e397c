/**
 * User-facing error handling shared by every command-line entry point.
 *
 * The developers' guide asks that bad input from users or peers ends with one clear line on
 * stderr and a non-zero exit code, never a stack trace or a hang. A CLI wraps its body in
 * {@link runMain}; code that detects a user mistake throws a {@link UserError} (exit code 2 by
 * default, the conventional code for usage and input errors). Any other error (a peer that
 * broke the protocol, an I/O failure, a bug) is also reported on one line, with exit code 1;
 * its stack is printed only when the environment variable `PPKM_DEBUG` is set to `1` and env
 * access was granted, so secrets in a stack dump never reach logs by default.
 *
 * @module
 */

/** Exit code for usage mistakes and bad input files. */
export const EXIT_USAGE = 2;

/** Exit code for failures that are not the user's input (peer errors, I/O, bugs). */
export const EXIT_FAILURE = 1;

/** An error caused by the user's input: printed as one line, exits with `exitCode`. */
export class UserError extends Error {
  /** Process exit code that {@link runMain} uses for this error. */
  readonly exitCode: number;

  /** A user-facing error with a one-line `message`; `exitCode` defaults to 2. */
  constructor(message: string, exitCode: number = EXIT_USAGE) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** Collapses any message to a single line (embedded newlines would break "one line"). */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

function debugEnabled(): boolean {
  // Query first: reading an ungranted variable would prompt on a terminal or throw.
  try {
    const status = Deno.permissions.querySync({ name: "env", variable: "PPKM_DEBUG" });
    return status.state === "granted" && Deno.env.get("PPKM_DEBUG") === "1";
  } catch {
    return false;
  }
}

/** The exit code and the one line that {@link runMain} prints for `error`. */
export function describeError(error: unknown): { exitCode: number; line: string } {
  if (error instanceof UserError) {
    return { exitCode: error.exitCode, line: `error: ${oneLine(error.message)}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT_FAILURE, line: `error: ${oneLine(message) || "unknown failure"}` };
}

/**
 * Runs a CLI body and turns every thrown error into `error: <one line>` on stderr plus an exit
 * code (the {@link UserError}'s, else 1). If `main` resolves to a number, exits with it.
 */
export async function runMain(main: () => Promise<number | void> | number | void): Promise<void> {
  let exitCode = 0;
  try {
    const result = await main();
    if (typeof result === "number") exitCode = result;
  } catch (error) {
    const described = describeError(error);
    console.error(described.line);
    if (!(error instanceof UserError) && error instanceof Error && debugEnabled()) {
      console.error(error.stack);
    }
    exitCode = described.exitCode;
  }
  if (exitCode !== 0) Deno.exit(exitCode);
}
