/**
 * What every command-line entry point shares: {@link runMain} (one `error:` line and an exit
 * code for anything thrown), {@link parseFlags} (strict flag parsing whose mistakes are input
 * errors) and the flag-value parsers.
 *
 * Exit codes: 0 success; 2 an {@link InputError} (usage, input files, a parameter the peer does
 * not share); 1 a {@link PeerError} or any other failure; an {@link ExitError} carries its own
 * (the launcher's 3 for a result that differs from the plaintext reference). A stack is printed
 * only when `PPKM_DEBUG=1` is set and env access was granted, so secrets in a stack dump never
 * reach logs by default.
 *
 * @example
 * ```ts
 * import { parseFlags, runMain } from "./main.ts";
 * if (import.meta.main) {
 *   await runMain(() => {
 *     const { values } = parseFlags(Deno.args, { k: { type: "string" } });
 *     console.log(values.k);
 *   });
 * }
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { EXIT_FAILURE, InputError, oneLine, PeerError } from "../core/errors.ts";

export { parseDecimalInteger, parseNonNegativeNumber } from "../core/validate.ts";

/** A failure the command line reports with its own exit code (e.g. 3: labels differ). */
export class ExitError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number;

  /** A one-line `message` and the exit code it ends the process with. */
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = "ExitError";
    this.exitCode = exitCode;
  }
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

/** True for the errors whose message is meant for the user as it stands. */
function isReported(error: unknown): error is InputError | PeerError | ExitError {
  return error instanceof InputError || error instanceof PeerError || error instanceof ExitError;
}

/** The exit code and the one line that {@link runMain} prints for `error`. */
export function describeError(error: unknown): { exitCode: number; line: string } {
  if (isReported(error)) {
    return { exitCode: error.exitCode, line: `error: ${oneLine(error.message)}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT_FAILURE, line: `error: ${oneLine(message) || "unknown failure"}` };
}

/**
 * Runs a CLI body and turns every thrown error into `error: <one line>` on stderr plus an exit
 * code (see the module doc). If `main` resolves to a number, exits with it.
 */
export async function runMain(main: () => Promise<number | void> | number | void): Promise<void> {
  let exitCode = 0;
  try {
    const result = await main();
    if (typeof result === "number") exitCode = result;
  } catch (error) {
    const described = describeError(error);
    console.error(described.line);
    if (!(error instanceof InputError) && error instanceof Error && debugEnabled()) {
      console.error(error.stack);
    }
    exitCode = described.exitCode;
  }
  if (exitCode !== 0) Deno.exit(exitCode);
}

/** A flag of {@link parseFlags}: a `node:util` parseArgs option. */
export interface FlagSpec {
  /** Value kind. */
  type: "string" | "boolean";
  /** Value when the flag is absent. */
  default?: string | boolean;
  /** A one-letter alias (`-h` for `--help`). */
  short?: string;
}

/** Parsed flags: strings, booleans, or undefined when absent without a default. */
export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * Strict parsing of `args` against `options` (unknown flags, missing values and stray
 * positionals are {@link InputError}s pointing at `--help`). With `positionals: true`,
 * arguments that are not flags (e.g. after `--`) are returned instead of refused.
 */
export function parseFlags(
  args: string[],
  options: Record<string, FlagSpec>,
  { positionals = false }: { positionals?: boolean } = {},
): { values: FlagValues; positionals: string[] } {
  const specs: Record<string, FlagSpec> = {};
  for (const [name, option] of Object.entries(options)) {
    const spec: FlagSpec = { type: option.type };
    if (option.default !== undefined) spec.default = option.default;
    if (option.short !== undefined) spec.short = option.short;
    specs[name] = spec;
  }
  try {
    const parsed = parseArgs({ args, options: specs, strict: true, allowPositionals: positionals });
    return { values: parsed.values as FlagValues, positionals: parsed.positionals };
  } catch (error) {
    throw new InputError(`${(error as Error).message.split("\n")[0]} (see --help)`);
  }
}

/** The string value of flag `name`, or undefined when absent. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}
