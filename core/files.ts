/**
 * Output files: checked before any work, so a bad `--json`/`--plot` path never costs a run.
 *
 * @module
 */

import { InputError, oneLine } from "./errors.ts";

/**
 * Checks up front that `path` can be written: when `extension` is given the name must end in
 * it (case-insensitive), the path must not be a directory, and its parent must be an existing,
 * writable directory (probed by creating and removing a temporary file there). Throws a
 * one-line {@link InputError} naming `flag` otherwise.
 *
 * @example
 * ```ts
 * checkOutputPath("out/result.json", "--json");
 * checkOutputPath("clusters.svg", "--plot", { extension: ".svg" });
 * ```
 */
export function checkOutputPath(
  path: string,
  flag: string,
  options: { extension?: string } = {},
): void {
  const { extension } = options;
  if (path === "") throw new InputError(`${flag} needs a file path`);
  if (extension !== undefined && !path.toLowerCase().endsWith(extension.toLowerCase())) {
    throw new InputError(`${flag} ${path}: the file name must end in ${extension}`);
  }
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
  try {
    if (Deno.statSync(path).isDirectory) throw new InputError(`${flag} ${path} is a directory`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new InputError(`${flag} ${path}: ${oneLine(String((error as Error).message))}`);
    }
  }
  let isDirectory = false;
  try {
    isDirectory = Deno.statSync(dir).isDirectory;
  } catch {
    // Missing or unreadable: reported below as not an existing directory.
  }
  if (!isDirectory) throw new InputError(`${flag} ${path}: directory ${dir} does not exist`);
  try {
    const probe = Deno.makeTempFileSync({ dir, prefix: ".ppkm-write-check-" });
    Deno.removeSync(probe);
  } catch (error) {
    const reason = oneLine((error as Error).message ?? String(error)).split(":")[0];
    throw new InputError(`${flag} ${path}: directory ${dir} is not writable (${reason})`);
  }
}
