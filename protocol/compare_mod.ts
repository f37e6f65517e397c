/**
 * Public surface of the comparison layer (issue 6): binary sharing, bit triples, secure
 * sign / less-than, bit-arithmetic conversions, multiplexer and argmin. To be merged into
 * protocol/mod.ts.
 *
 * @module
 */

export {
  andBits,
  andFanout,
  bitWords,
  type FanoutTriples,
  getBit,
  notBits,
  openBits,
  sliceTriples,
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
export { argmin, type ArgminOptions, type ArgminResult, argminRounds } from "./argmin.ts";
