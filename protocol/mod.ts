/**
 * Public surface of the secure-computation layer: Z_2^64 arithmetic, fixed point, additive and
 * XOR sharing, dealer-free preprocessing from OT (Gilboa 1999; SecureML 2017), Beaver products,
 * vector OLE, truncation (local SecureML and exact), bit triples, comparisons (CrypTFlow2 millionaires'), bit/arithmetic
 * conversions, multiplexer and argmin, and the per-party context type. Security assumptions
 * are stated in each module.
 *
 * @module
 */

export type { MpcContext, Role } from "./context.ts";
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
  fixedTruncateExact,
  MAX_EXACT_SHIFT,
  truncateExact,
  truncateExactUnsigned,
  truncateShares,
} from "./truncation.ts";
export {
  DEFAULT_CHUNK_SIZE,
  type PreprocessingCounts,
  PreprocessingStore,
} from "./preprocessing.ts";
export {
  andBits,
  andFanout,
  bitWords,
  concatBits,
  type FanoutTriples,
  getBit,
  notBits,
  openBits,
  openBitsTo,
  packBits,
  sliceBits,
  sliceTriples,
  unpackBits,
  xorBits,
} from "./binary.ts";
export { fanoutTriplesFromOts, generateFanoutTriples, MAX_FANOUT } from "./bit_triples.ts";
export {
  type ComparisonOptions,
  comparisonRounds,
  DEFAULT_COMPARISON_BATCH,
  DEFAULT_DIGIT_BITS,
  lessThan,
  signBits,
} from "./comparison.ts";
export { bitTimesOwnerValues, bitTimesShared, bitToArithmetic, multiplex } from "./conversion.ts";
export {
  argmin,
  type ArgminOptions,
  type ArgminResult,
  argminRounds,
  argminTripleWords,
} from "./argmin.ts";
export { PSI_POINT_BYTES, psiScalar, type PsiTags, psiTags } from "./psi.ts";
