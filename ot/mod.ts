/**
 * Oblivious transfer: Chou–Orlandi base OTs on ristretto255 and IKNP extension with random,
 * correlated (global Δ and ring), and chosen-message OTs, with an optional KOS15 consistency
 * check against a malicious receiver. Start with {@link setupOtEndpoints}.
 *
 * @module
 */

export { type IknpEndpoints, setupOtEndpoints } from "./setup.ts";
export {
  DEFAULT_CHUNK_OTS,
  type IknpOptions,
  IknpReceiver,
  IknpSender,
  KAPPA,
  type ReceiverChunkHandler,
  type SenderChunkHandler,
} from "./iknp.ts";
export {
  BASE_OT_KEY_BYTES,
  BaseOtError,
  baseOtReceive,
  type BaseOtReceiverResult,
  baseOtSenderFinish,
  type BaseOtSenderResult,
  baseOtSenderStart,
  type BaseOtSenderState,
  decodePeerPoint,
  POINT_BYTES,
  type RistrettoPoint,
} from "./base_ot.ts";
export { fillTweaks, FixedKeyAes, TccrHash } from "./tccr_hash.ts";
export {
  gilboaFoldReceiver,
  gilboaFoldSender,
  MAX_OT_VALUES_PER_CALL,
} from "./ring_correlation.ts";
export {
  CHALLENGE_SEED_BYTES,
  CHECK_RESPONSE_BYTES,
  checkedColumns,
  ColumnHasher,
  KOS_EXTRA_OTS,
  OtCheckError,
  STATISTICAL_SECURITY,
} from "./kos_check.ts";
export { gf128Multiply } from "./gf128.ts";
export { transpose128 } from "./transpose.ts";
export type {
  OtEndpoints,
  OtExtensionReceiver,
  OtExtensionSender,
  OtWidths,
  RandomOtReceiverOutput,
  RandomOtSenderOutput,
  RingCotReceiverOutput,
} from "./types.ts";
