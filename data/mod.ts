/**
 * Input data: the CSV loader (feature selection, strict validation with one-line errors) and
 * seeded synthetic Gaussian blobs for tests and benchmarks.
 *
 * @module
 */

export {
  checkRowsForK,
  DataError,
  loadCsv,
  parseCsv,
  readTextStrict,
  splitCsvLine,
  splitFeatureList,
} from "./csv.ts";
export type { CsvOptions, Dataset } from "./csv.ts";
export {
  blobCsvChunks,
  blobSeed,
  BlobStream,
  CSV_DECIMALS,
  DEFAULT_BOX,
  DEFAULT_SPREAD,
  generateBlobs,
  ROWS_PER_CHUNK,
  writeBlobCsv,
} from "./synthetic.ts";
export type { BlobCsvFormat, BlobOptions } from "./synthetic.ts";
