/**
 * `deno task gen`: writes a seeded synthetic CSV of Gaussian blobs (see data/synthetic.ts),
 * streamed in chunks so 10^6+ rows need bounded memory. Same arguments -> byte-identical file.
 *
 * @module
 */

import { InputError } from "../core/errors.ts";
import {
  type FlagSpec,
  type FlagValues,
  parseDecimalInteger,
  parseFlags,
  parseNonNegativeNumber,
  runMain,
  stringFlag,
} from "./main.ts";
import { DEFAULT_BOX, DEFAULT_SPREAD, writeBlobCsv } from "../data/mod.ts";

const HELP = `Seeded synthetic k-means data: Gaussian blobs as CSV (header f0,...,f{d-1}).

usage: deno task gen --n N --d D --k K --seed S --out FILE [--spread SD] [--box B] [--id] [--label]

  --n N        rows (required)
  --d D        features (required)
  --k K        blobs (required)
  --seed S     non-negative integer seed (required); same seed -> identical file
  --out FILE   output CSV path (required)
  --spread SD  standard deviation of each blob per coordinate (default ${DEFAULT_SPREAD})
  --box B      blob centres are uniform in [-B, B]^d (default ${DEFAULT_BOX})
  --id         prepend an "id" column (1-based row numbers)
  --label      append a "label" column with each row's true blob
  --help       show this help`;

function usageError(message: string): InputError {
  return new InputError(`${message}; usage: deno task gen --n N --d D --k K --seed S --out FILE`);
}

/** Largest `--n` (the file is streamed, so this bounds time and disk, not memory). */
const MAX_ROWS = 1e9;

/** Largest `--d`. */
const MAX_FEATURES = 10_000;

/** Largest `--k`. */
const MAX_BLOBS = 1e6;

/** The integer flags and their ranges (all required). */
const INTEGER_FLAGS = {
  n: { min: 1, max: MAX_ROWS },
  d: { min: 1, max: MAX_FEATURES },
  k: { min: 1, max: MAX_BLOBS },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER },
} as const;

const OPTIONS: Record<string, FlagSpec> = {
  n: { type: "string" },
  d: { type: "string" },
  k: { type: "string" },
  seed: { type: "string" },
  out: { type: "string" },
  spread: { type: "string" },
  box: { type: "string" },
  id: { type: "boolean" },
  label: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/** The required integer flag `--name` (see {@link INTEGER_FLAGS}). */
function integer(values: FlagValues, name: keyof typeof INTEGER_FLAGS): number {
  const text = stringFlag(values, name);
  if (text === undefined) throw usageError(`--${name} is required`);
  const { min, max } = INTEGER_FLAGS[name];
  return parseDecimalInteger(text, `--${name}`, min, max);
}

/** The number flag `--name` (>= 0), or `fallback` when absent. */
function real(values: FlagValues, name: string, fallback: number): number {
  const text = stringFlag(values, name);
  return text === undefined ? fallback : parseNonNegativeNumber(text, `--${name}`);
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, OPTIONS);
  if (values.help) {
    console.log(HELP);
    return;
  }
  const n = integer(values, "n");
  const d = integer(values, "d");
  const k = integer(values, "k");
  if (k > n) throw usageError(`--k ${k} blobs need at least ${k} rows, --n is ${n}`);
  const seed = integer(values, "seed");
  const spread = real(values, "spread", DEFAULT_SPREAD);
  const box = real(values, "box", DEFAULT_BOX);
  const out = stringFlag(values, "out");
  if (out === undefined || out === "") throw usageError(`--out is required`);
  try {
    await writeBlobCsv(out, { n, d, k, seed, spread, box }, {
      id: values.id === true,
      label: values.label === true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError(`cannot write ${out}: ${reason}`);
  }
  console.log(`wrote ${out}: ${n} rows, ${d} features, ${k} blobs, seed ${seed}`);
}

if (import.meta.main) await runMain(main);
