/**
 * Seeded synthetic data: isotropic Gaussian blobs, the usual k-means test input (as in
 * scikit-learn's `make_blobs`).
 *
 * k centres are drawn uniformly from the box [-box, box]^d; each row picks a centre uniformly
 * and adds N(0, spread²) noise per coordinate (Box–Muller). All randomness comes from the
 * project's AES-CTR {@link Prg} keyed by SHA-256("synthetic-blobs:" + seed), so the same seed
 * gives the same rows on every run, and row i does not depend on how rows are chunked. This is
 * test and benchmark data, not a secret: a public seed is the point.
 *
 * Rows are produced in chunks, so a CSV of 10^6 or more rows is written with bounded memory.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { Prg, SEED_BYTES } from "../core/prg.ts";

/** Parameters of a blob data set. */
export interface BlobOptions {
  /** Number of rows. */
  n: number;
  /** Number of features. */
  d: number;
  /** Number of blobs (true clusters). */
  k: number;
  /** Non-negative integer seed; equal seeds give identical data. */
  seed: number;
  /** Standard deviation of each blob per coordinate (default {@link DEFAULT_SPREAD}). */
  spread?: number;
  /** Centres are uniform in [-box, box]^d (default {@link DEFAULT_BOX}). */
  box?: number;
}

/** Default per-coordinate standard deviation of a blob. */
export const DEFAULT_SPREAD = 1;

/** Default half-width of the box the centres are drawn from. */
export const DEFAULT_BOX = 10;

/** Rows per generated chunk in the streaming writers. */
export const ROWS_PER_CHUNK = 16384;

/** Decimal places written to CSV; 1e-4 is finer than anything the demos need. */
export const CSV_DECIMALS = 4;

/** The 16-byte PRG seed for blob data with integer `seed`. */
export function blobSeed(seed: number): Uint8Array {
  return sha256(new TextEncoder().encode(`synthetic-blobs:${seed}`)).slice(0, SEED_BYTES);
}

function validate(options: BlobOptions): void {
  const { n, d, k, seed } = options;
  const spread = options.spread ?? DEFAULT_SPREAD;
  const box = options.box ?? DEFAULT_BOX;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`n must be a positive integer`);
  if (!Number.isSafeInteger(d) || d < 1) throw new RangeError(`d must be a positive integer`);
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`k must be a positive integer`);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative integer`);
  }
  if (!(Number.isFinite(spread) && spread >= 0)) throw new RangeError(`spread must be >= 0`);
  if (!(Number.isFinite(box) && box >= 0)) throw new RangeError(`box must be >= 0`);
}

/** Fills `out` with uniform doubles in [0, 1) (53 random bits each) from `prg`. */
function uniforms(prg: Prg, out: Float64Array): Float64Array {
  const words = new Uint32Array(prg.bytes(out.length * 8).buffer);
  for (let i = 0; i < out.length; i++) {
    out[i] = ((words[2 * i] >>> 5) * 67108864 + (words[2 * i + 1] >>> 6)) / 9007199254740992;
  }
  return out;
}

/** A deterministic stream of blob rows; call {@link BlobStream.next} until `remaining` is 0. */
export class BlobStream {
  /** The k × d blob centres, row-major. */
  readonly centers: Float64Array;
  /** Rows not yet produced. */
  remaining: number;
  readonly #d: number;
  readonly #k: number;
  readonly #spread: number;
  readonly #prg: Prg;
  readonly #pairs: number;

  /** Starts the stream for `options` (throws RangeError on invalid parameters). */
  constructor(options: BlobOptions) {
    validate(options);
    this.#d = options.d;
    this.#k = options.k;
    this.#spread = options.spread ?? DEFAULT_SPREAD;
    this.#prg = new Prg(blobSeed(options.seed));
    this.#pairs = Math.ceil(options.d / 2);
    const box = options.box ?? DEFAULT_BOX;
    this.centers = uniforms(this.#prg, new Float64Array(options.k * options.d)).map((u) =>
      (2 * u - 1) * box
    );
    this.remaining = options.n;
  }

  /** The next min(count, remaining) rows and their true blob labels. */
  next(count: number): { rows: Float64Array; labels: Int32Array } {
    const m = Math.min(count, this.remaining);
    this.remaining -= m;
    const d = this.#d;
    const perRow = 1 + 2 * this.#pairs; // one uniform for the label, two per normal pair
    const u = uniforms(this.#prg, new Float64Array(m * perRow));
    const rows = new Float64Array(m * d);
    const labels = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const base = i * perRow;
      // floor(u·k) has bias below k·2^-53: irrelevant for test data.
      const label = Math.min(this.#k - 1, Math.floor(u[base] * this.#k));
      labels[i] = label;
      for (let p = 0; p < this.#pairs; p++) {
        const radius = Math.sqrt(-2 * Math.log(1 - u[base + 1 + 2 * p])) * this.#spread;
        const angle = 2 * Math.PI * u[base + 2 + 2 * p];
        const j = 2 * p;
        rows[i * d + j] = this.centers[label * d + j] + radius * Math.cos(angle);
        if (j + 1 < d) {
          rows[i * d + j + 1] = this.centers[label * d + j + 1] + radius * Math.sin(angle);
        }
      }
    }
    return { rows, labels };
  }
}

/** A whole blob data set in memory (for tests and small benches). */
export function generateBlobs(
  options: BlobOptions,
): { rows: Float64Array; labels: Int32Array; centers: Float64Array } {
  const stream = new BlobStream(options);
  const { rows, labels } = stream.next(options.n);
  return { rows, labels, centers: stream.centers };
}

/** Extra columns of a blob CSV. */
export interface BlobCsvFormat {
  /** Prepend an `id` column (1-based row numbers), e.g. to join vertical partitions. */
  id?: boolean;
  /** Append a `label` column with the true blob index. */
  label?: boolean;
}

/** The CSV text of a blob data set as chunks: the header line first, then rows. */
export function* blobCsvChunks(
  options: BlobOptions,
  format: BlobCsvFormat = {},
  rowsPerChunk = ROWS_PER_CHUNK,
): Generator<string> {
  const stream = new BlobStream(options);
  const d = options.d;
  const names = Array.from({ length: d }, (_, j) => `f${j}`);
  if (format.id) names.unshift("id");
  if (format.label) names.push("label");
  yield names.join(",") + "\n";
  let rowNumber = 1;
  while (stream.remaining > 0) {
    const { rows, labels } = stream.next(rowsPerChunk);
    const lines: string[] = new Array(labels.length);
    const cells: string[] = new Array(d);
    for (let i = 0; i < labels.length; i++) {
      for (let j = 0; j < d; j++) cells[j] = rows[i * d + j].toFixed(CSV_DECIMALS);
      let line = cells.join(",");
      if (format.id) line = `${rowNumber},${line}`;
      if (format.label) line = `${line},${labels[i]}`;
      lines[i] = line;
      rowNumber++;
    }
    yield lines.join("\n") + "\n";
  }
}

/** Writes a blob CSV to `path` chunk by chunk (memory stays bounded for any n). */
export async function writeBlobCsv(
  path: string,
  options: BlobOptions,
  format: BlobCsvFormat = {},
): Promise<void> {
  const encoder = new TextEncoder();
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    for (const chunk of blobCsvChunks(options, format)) {
      const bytes = encoder.encode(chunk);
      for (let offset = 0; offset < bytes.length;) {
        offset += await file.write(bytes.subarray(offset));
      }
    }
  } finally {
    file.close();
  }
}
