/**
 * Splits one CSV into the two parties' files: the header and the first rows for party A, the
 * header and the remaining rows for party B. Lines are physical lines (fine for CSVs without
 * line breaks inside quoted fields); blank lines are dropped.
 *
 * @module
 */

import { InputError } from "../../core/errors.ts";

/** Options of {@link splitCsv}. */
export interface SplitCsvOptions {
  /** The CSV to split (with a header row). */
  path: string;
  /** Data rows that go to party A; party B gets the rest. */
  rowsForA: number;
  /** Directory the two files are written into. */
  dir: string;
  /** File names of A's and B's part inside `dir`. */
  names?: readonly [string, string];
}

/** A header and at least one data row for each party. */
const MIN_LINES = 3;

/** Writes both parts into `options.dir` and returns their paths (A's, B's). */
export async function splitCsv(options: SplitCsvOptions): Promise<[string, string]> {
  const { path, rowsForA, dir } = options;
  const [nameA, nameB] = options.names ?? ["party-a.csv", "party-b.csv"];
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length < MIN_LINES) {
    throw new InputError(`${path}: need a header and at least two rows`);
  }
  if (!(rowsForA >= 1 && rowsForA < lines.length - 1)) {
    throw new InputError(`--split must be in [1, ${lines.length - 2}] for ${path}`);
  }
  const [header, ...rows] = lines;
  const files: [string, string] = [`${dir}/${nameA}`, `${dir}/${nameB}`];
  await Deno.writeTextFile(files[0], [header, ...rows.slice(0, rowsForA)].join("\n") + "\n");
  await Deno.writeTextFile(files[1], [header, ...rows.slice(rowsForA)].join("\n") + "\n");
  return files;
}
