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

/**
 * Checks up front, before any work, that `path` can be written: when `extension` is given the
 * name must end in it (case-insensitive), the path must not be a directory, and its parent
 * must be an existing, writable directory (probed by creating and removing a temporary file
 * there). Throws a one-line {@link UserError} (exit 2) naming `flag` otherwise, so a bad
 * `--json`/`--plot` path never costs a whole run.
 */
export function checkOutputPath(
  path: string,
  flag: string,
  options: { extension?: string } = {},
): void {
  const { extension } = options;
  if (path === "") throw new UserError(`${flag} needs a file path`);
  if (extension !== undefined && !path.toLowerCase().endsWith(extension.toLowerCase())) {
    throw new UserError(`${flag} ${path}: the file name must end in ${extension}`);
  }
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  try {
    if (Deno.statSync(path).isDirectory) throw new UserError(`${flag} ${path} is a directory`);
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new UserError(`${flag} ${path}: ${oneLine(String((error as Error).message))}`);
    }
  }
  let isDirectory = false;
  try {
    isDirectory = Deno.statSync(dir).isDirectory;
  } catch {
    // Missing or unreadable: reported below as not an existing directory.
  }
  if (!isDirectory) throw new UserError(`${flag} ${path}: directory ${dir} does not exist`);
  try {
    const probe = Deno.makeTempFileSync({ dir, prefix: ".ppkm-write-check-" });
    Deno.removeSync(probe);
  } catch (error) {
    const reason = oneLine((error as Error).message ?? String(error)).split(":")[0];
    throw new UserError(`${flag} ${path}: directory ${dir} is not writable (${reason})`);
  }
}
