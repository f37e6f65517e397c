/**
 * Command-line spellings shared by the local tools (`deno task plain`, `deno task gen`) on top
 * of {@link import("./main.ts").parseFlags}, which knows long flags only.
 *
 * @module
 */

/** The arguments with `-h` (before any `--`) spelled `--help`, so `-h` still shows the help. */
export function withHelpAlias(args: readonly string[]): string[] {
  const end = args.indexOf("--");
  return args.map((arg, i) => arg === "-h" && (end < 0 || i < end) ? "--help" : arg);
}
