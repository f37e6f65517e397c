/**
 * Public surface of the secret-shared arithmetic layer (issue 5): Z_2^64 vectors, fixed-point
 * encoding, additive sharing, dealer-free preprocessing from OT (Gilboa 1999; SecureML 2017),
 * Beaver multiplication, squaring, dot products, vector OLE and local truncation.
 * To be merged into protocol/mod.ts.
 *
 * @module
 */

export {
  fromSigned,
  RING_BITS,
  RING_MASK,
  RING_MODULUS,
  ringAdd,
  ringAddPublic,
  ringElement,
  ringFrom,
  ringMul,
  ringMulPublic,
  ringNeg,
  ringShiftLeft,
  ringShiftRightArithmetic,
  ringShiftRightLogical,
  ringSub,
  ringSum,
  ringSumGroups,
  signedValue,
  toSigned,
} from "./ring.ts";
export {
  decodeFixed,
  decodeFixedScalar,
  DEFAULT_FRACTIONAL_BITS,
  DEFAULT_MAX_BITS,
  encodeFixed,
  encodeFixedScalar,
  type FixedPointOptions,
  FixedPointRangeError,
} from "./fixed_point.ts";
export {
  checkSameScale,
  fixedAdd,
  fixedAddPublic,
  fixedMulPublicInteger,
  fixedNeg,
  fixedSub,
  open,
  openFixed,
  openTo,
  ScaleMismatchError,
  type SharedFixed,
  sharedFixed,
  shareInput,
  sharePublic,
} from "./sharing.ts";
export { gilboaReceiver, gilboaSender, MAX_OT_VALUES_PER_CALL } from "./gilboa.ts";
export {
  type BeaverTriples,
  generateSquarePairs,
  generateTriples,
  type SquarePairs,
} from "./triples.ts";
export { type MatrixShape, ownerMatrixTimesShared } from "./vector_ole.ts";
export {
  beaverMultiply,
  dotProduct,
  fixedDotProduct,
  fixedMultiply,
  fixedSquare,
  squareShared,
} from "./beaver.ts";
export {
  divideByPublic,
  fixedDivideByPublic,
  fixedTruncate,
  truncateShares,
} from "./truncation.ts";
export {
  DEFAULT_CHUNK_SIZE,
  kmeansArithmeticCounts,
  type PreprocessingCounts,
  PreprocessingStore,
} from "./preprocessing.ts";
