/**
 * The bottom layer every other folder builds on: the error vocabulary (input error → exit 2,
 * peer error → exit 1), seeds and the AES-CTR PRG, the party role, JSON and byte helpers, the
 * shared validators, output-path checks and the one tuning file of chunk sizes and limits.
 *
 * @module
 */

export { concat, toHex } from "./bytes.ts";
export { errorLine, EXIT_FAILURE, EXIT_USAGE, InputError, oneLine, PeerError } from "./errors.ts";
export { checkOutputPath } from "./files.ts";
export type { JsonValue } from "./json.ts";
export { Prg, randomBytes, randomSeed, SEED_BYTES } from "./prg.ts";
export type { Role } from "./role.ts";
export { checkCount, parseDecimalInteger, parseNonNegativeNumber } from "./validate.ts";
