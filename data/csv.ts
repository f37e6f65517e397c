/**
 * CSV loading for k-means inputs: RFC 4180 parsing plus selection of numeric feature columns
 * (by header name or 0-based index) and an optional ID column.
 *
 * Accepted syntax: comma separators; fields optionally in double quotes, where `""` is an
 * escaped quote and commas and line breaks may appear inside; LF, CRLF or CR line ends; an
 * optional trailing newline; an optional UTF-8 byte-order mark; completely empty lines are
 * skipped (as pandas does). The first non-empty record is the header; names must be unique.
 * Feature cells must be finite decimal numbers (`12`, `-3.5`, `1e3`; surrounding spaces are
 * ignored); `NaN`, `Infinity`, hex, empty cells and values that overflow are rejected.
 *
 * Every problem raises a {@link DataError} (a {@link InputError} with exit code 2) whose one-line
 * message names the file, the line and the column, so a CLI can print it as is. Data files are
 * the local party's own input: nothing here leaves the process.
 *
 * @module
 */

import { InputError } from "../core/errors.ts";

/** A problem with an input data file; CLIs print its one-line message and exit with code 2. */
export class DataError extends InputError {
  /** A data error with a one-line message that already names file, line and column. */
  constructor(message: string) {
    super(message);
    this.name = "DataError";
  }
}

/** Which columns to load: features by header name or 0-based index, and an optional ID. */
export interface CsvOptions {
  /**
   * Feature columns, in output order. A number is a 0-based index; a string is a header name,
   * or, when no header has exactly that name and it is all digits, a 0-based index.
   * `"all"` selects every column except the ID column.
   */
  features: readonly (string | number)[] | "all";
  /** Optional column whose cells are kept verbatim as row identifiers. */
  id?: string | number;
}

/** A loaded data set: n rows of d numeric features, row-major. */
export interface Dataset {
  /** The file name (or label) the data came from, for messages. */
  source: string;
  /** Header names of the selected features, in order. */
  featureNames: string[];
  /** Cells of the ID column, when one was requested. */
  ids?: string[];
  /** Number of data rows. */
  n: number;
  /** Number of features. */
  d: number;
  /** The n × d feature matrix, row-major: row i is `rows[i*d .. i*d + d)`. */
  rows: Float64Array;
}

/** One parsed record and the physical line it starts on (1-based). */
interface CsvRecord {
  fields: string[];
  line: number;
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;

/** Where a field sits, for messages: `file: line L, column C ("name")`. */
function place(source: string, line: number, column: number, header?: readonly string[]): string {
  const name = header?.[column] !== undefined ? ` (${JSON.stringify(header[column])})` : "";
  return `${source}: line ${line}, column ${column + 1}${name}`;
}

/** Yields the records of `text` (BOM already removed), skipping empty lines. */
function* csvRecords(text: string, source: string): Generator<CsvRecord> {
  const length = text.length;
  let pos = 0;
  let line = 1;
  while (pos < length) {
    const first = text.charCodeAt(pos);
    if (first === LF || first === CR) {
      pos += first === CR && text.charCodeAt(pos + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(pos) === QUOTE) {
        let value = "";
        let from = pos + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0) {
            throw new DataError(
              `${place(source, startLine, fields.length)}: quoted field is never closed`,
            );
          }
          const piece = text.slice(from, close);
          value += piece;
          for (let i = 0; i < piece.length; i++) {
            const c = piece.charCodeAt(i);
            if (c === LF || (c === CR && piece.charCodeAt(i + 1) !== LF)) line++;
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            from = close + 2;
          } else {
            pos = close + 1;
            break;
          }
        }
        const next = text.charCodeAt(pos);
        if (pos < length && next !== COMMA && next !== LF && next !== CR) {
          throw new DataError(
            `${place(source, line, fields.length)}: unexpected text after a closing quote`,
          );
        }
        fields.push(value);
      } else {
        let end = pos;
        while (end < length) {
          const c = text.charCodeAt(end);
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) {
            throw new DataError(
              `${
                place(source, line, fields.length)
              }: stray quote in an unquoted field (quote the whole field and write "" for ")`,
            );
          }
          end++;
        }
        fields.push(text.slice(pos, end));
        pos = end;
      }
      const sep = text.charCodeAt(pos);
      if (sep === COMMA) {
        pos++;
        continue;
      }
      if (sep === CR) pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
      else if (sep === LF) pos++;
      line++;
      break;
    }
    yield { fields, line: startLine };
  }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses one feature cell, or throws a {@link DataError} naming its place. */
function parseNumber(cell: string, where: () => string): number {
  const trimmed = cell.trim();
  if (trimmed === "") throw new DataError(`${where()}: empty cell, a number is required`);
  if (!DECIMAL.test(trimmed)) {
    throw new DataError(`${where()}: ${JSON.stringify(cell)} is not a finite decimal number`);
  }
  const value = Number(trimmed);
  if (!Number.isFinite(value)) {
    throw new DataError(`${where()}: ${JSON.stringify(cell)} is out of the float64 range`);
  }
  return value;
}

/** Resolves one column selector to a 0-based index (see {@link CsvOptions.features}). */
function resolveColumn(
  selector: string | number,
  header: readonly string[],
  source: string,
  headerLine: number,
): number {
  let index: number;
  if (typeof selector === "number") {
    index = selector;
  } else {
    index = header.indexOf(selector);
    if (index < 0 && /^\d+$/.test(selector)) index = Number(selector);
    if (index < 0) {
      throw new DataError(
        `${source}: line ${headerLine}: unknown column ${JSON.stringify(selector)} (columns: ${
          header.map((h) => JSON.stringify(h)).join(", ")
        })`,
      );
    }
  }
  if (!Number.isInteger(index) || index < 0 || index >= header.length) {
    throw new DataError(
      `${source}: line ${headerLine}: column index ${selector} is out of range (the header has ${header.length} columns, indices 0..${
        header.length - 1
      })`,
    );
  }
  return index;
}

/**
 * Parses CSV `text` (named `source` in messages) and extracts the selected columns.
 * Pure: for tests and for data that is already in memory. Throws {@link DataError}.
 */
export function parseCsv(text: string, source: string, options: CsvOptions): Dataset {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = csvRecords(text, source);
  const first = records.next();
  if (first.done) throw new DataError(`${source}: line 1: the file is empty (expected a header)`);
  const header = first.value.fields;
  const headerLine = first.value.line;
  const seen = new Map<string, number>();
  header.forEach((name, column) => {
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new DataError(
        `${place(source, headerLine, column)}: duplicate header name ${
          JSON.stringify(name)
        } (also column ${earlier + 1})`,
      );
    }
    seen.set(name, column);
  });
  const idColumn = options.id === undefined
    ? undefined
    : resolveColumn(options.id, header, source, headerLine);
  const featureColumns = options.features === "all"
    ? header.map((_, column) => column).filter((column) => column !== idColumn)
    : options.features.map((f) => resolveColumn(f, header, source, headerLine));
  if (featureColumns.length === 0) {
    throw new DataError(`${source}: line ${headerLine}: no feature columns were selected`);
  }
  featureColumns.forEach((column, i) => {
    if (featureColumns.indexOf(column) !== i) {
      throw new DataError(
        `${place(source, headerLine, column, header)}: column selected twice as a feature`,
      );
    }
  });

  const d = featureColumns.length;
  let rows = new Float64Array(1024 * d);
  const ids: string[] | undefined = idColumn === undefined ? undefined : [];
  let n = 0;
  for (const record of records) {
    if (record.fields.length !== header.length) {
      throw new DataError(
        `${source}: line ${record.line}, column ${
          Math.min(record.fields.length, header.length) + 1
        }: row has ${record.fields.length} fields but the header has ${header.length}`,
      );
    }
    if ((n + 1) * d > rows.length) {
      const grown = new Float64Array(rows.length * 2);
      grown.set(rows);
      rows = grown;
    }
    for (let j = 0; j < d; j++) {
      const column = featureColumns[j];
      rows[n * d + j] = parseNumber(
        record.fields[column],
        () => place(source, record.line, column, header),
      );
    }
    if (ids !== undefined) ids.push(record.fields[idColumn!]);
    n++;
  }
  if (n === 0) {
    throw new DataError(`${source}: line ${headerLine + 1}: no data rows after the header`);
  }
  return {
    source,
    featureNames: featureColumns.map((column) => header[column]),
    ...(ids !== undefined ? { ids } : {}),
    n,
    d,
    rows: rows.slice(0, n * d),
  };
}

/**
 * Splits a `--features` list as one CSV line (the same syntax as `deno task plain`: quote a
 * name that contains a comma); names are trimmed, empty entries refused.
 */
export function splitFeatureList(text: string, flag = "--features"): string[] {
  const items = splitCsvLine(text, flag).map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === "")) {
    throw new DataError(`${flag} has an empty entry: ${JSON.stringify(text)}`);
  }
  return items;
}

/**
 * Splits one line of CSV syntax into fields, with the file rules for quotes (so a command-line
 * list like `--features '"x, y",z'` can name a column that contains a comma).
 */
export function splitCsvLine(text: string, source: string): string[] {
  const records = [...csvRecords(text, source)];
  if (records.length !== 1) {
    throw new DataError(`${source}: expected one line of comma-separated names`);
  }
  return records[0].fields;
}

/** Reads `path` as strict UTF-8, mapping I/O failures to one-line {@link DataError}s. */
export async function readTextStrict(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    let reason = error instanceof Error ? error.message : String(error);
    if (error instanceof Deno.errors.NotFound) reason = "no such file";
    else if (error instanceof Deno.errors.IsADirectory) reason = "it is a directory";
    else if (
      error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable
    ) reason = "permission denied";
    throw new DataError(`cannot read ${path}: ${reason.split("\n")[0]}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${path}: the file is not valid UTF-8 text`);
  }
}

/** Loads the selected columns of the CSV file at `path`. Throws {@link DataError}. */
export async function loadCsv(path: string, options: CsvOptions): Promise<Dataset> {
  return parseCsv(await readTextStrict(path), path, options);
}

/** Throws a {@link DataError} unless `data` has at least `k` rows (k-means needs k seeds). */
export function checkRowsForK(data: Dataset, k: number): void {
  if (data.n < k) {
    throw new DataError(
      `${data.source}: only ${data.n} data rows, but k = ${k} clusters need at least ${k} rows`,
    );
  }
}
