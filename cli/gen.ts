/**
 * `deno task gen`: writes a seeded synthetic CSV of Gaussian blobs (see data/synthetic.ts),
 * streamed in chunks so 10^6+ rows need bounded memory. Same arguments -> byte-identical file.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { InputError } from "../core/errors.ts";
import { runMain } from "./main.ts";
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

function integer(flag: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined) throw usageError(`--${flag} is required`);
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw usageError(
      `--${flag} must be an integer in [${min}, ${max}], got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

function real(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0) {
    throw usageError(`--${flag} must be a number >= 0, got ${JSON.stringify(text)}`);
  }
  return value;
}

async function main(): Promise<void> {
  let values;
  try {
    values = parseArgs({
      args: Deno.args,
      strict: true,
      allowPositionals: false,
      options: {
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
      },
    }).values;
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(HELP);
    return;
  }
  const n = integer("n", values.n, 1, 1e9);
  const d = integer("d", values.d, 1, 10000);
  const k = integer("k", values.k, 1, 1e6);
  if (k > n) throw usageError(`--k ${k} blobs need at least ${k} rows, --n is ${n}`);
  const seed = integer("seed", values.seed, 0, Number.MAX_SAFE_INTEGER);
  const spread = real("spread", values.spread, DEFAULT_SPREAD);
  const box = real("box", values.box, DEFAULT_BOX);
  if (values.out === undefined || values.out === "") throw usageError(`--out is required`);
  try {
    await writeBlobCsv(values.out, { n, d, k, seed, spread, box }, {
      id: values.id,
      label: values.label,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError(`cannot write ${values.out}: ${reason}`);
  }
  console.log(`wrote ${values.out}: ${n} rows, ${d} features, ${k} blobs, seed ${seed}`);
}

if (import.meta.main) await runMain(main);
