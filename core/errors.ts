/**
 * The error vocabulary of every layer, and the exit code each kind means to the command line.
 *
 * Two kinds reach a user:
 * - {@link InputError}: the user's own input is wrong (a flag, a file, a parameter the peer
 *   does not share). Exit code 2, the conventional code for usage and input errors.
 * - {@link PeerError}: the peer or the link failed (a closed or stalled connection, a malformed
 *   or out-of-range message, a failed consistency check). Exit code 1.
 *
 * Anything else that escapes is a bug or an I/O failure and also exits 1. Messages are one
 * line, stable, and never contain shares, seeds or input values, so they can be logged.
 *
 * @example
 * ```ts
 * import { InputError } from "./errors.ts";
 * if (!(k >= 1)) throw new InputError(`--k must be at least 1, got ${k}`);
 * ```
 *
 * @module
 */

/** Exit code for usage mistakes and bad input files. */
export const EXIT_USAGE = 2;

/** Exit code for failures that are not the user's input (peer errors, I/O, bugs). */
export const EXIT_FAILURE = 1;

/** The user's input is wrong: printed as one line, exit code 2. */
export class InputError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number = EXIT_USAGE;

  /** An input error with a one-line `message`. */
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** The peer or the transport failed or broke the protocol: printed as one line, exit code 1. */
export class PeerError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number = EXIT_FAILURE;

  /** A peer/transport/protocol error with a one-line `message` (never payload bytes). */
  constructor(message: string) {
    super(message);
    this.name = "PeerError";
  }
}

/** Collapses any message to a single line (embedded newlines would break "one line"). */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/** An error's message on one line, whatever was thrown. */
export function errorLine(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error));
}
