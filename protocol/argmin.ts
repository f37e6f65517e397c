/**
 * Secure argmin over k shared values per row, for n rows at once, by a tournament
 * (docs/PROTOCOLS.md, "Argmin by tournament"; the standard construction of e.g. SecureML-style
 * k-means, Mohassel, Rosulek, Trieu, PETS 2020). This is the one argmin of the project: the
 * k-means assignment (kmeans/secure_lloyd.ts) calls it with `arithmeticOneHot: false`.
 *
 * Bottom-up: candidates are paired in index order at each of L = ceil(log2 k) levels; for a
 * pair (A, B), A covering lower indices than B, s = [v_B < v_A] (strict, so ties keep the lower
 * index) and the winner's value is v_A + s·(v_B − v_A) (bit × shared product,
 * protocol/conversion.ts). All pairs of a level, over all rows, go through one batched
 * comparison and one product batch; values stay row-major, so nothing is padded.
 *
 * Top-down: w = "this candidate wins overall" starts as the public 1 at the root; for a pair
 * under a parent with w, right = w AND s and left = w XOR right. The root's children need no
 * gate (w = 1), every other level is one AND layer over all rows (plain triples, generated up
 * front in one batch or passed in by the caller, e.g. from an offline phase). Compared with
 * expanding one-hot vectors bottom-up, this needs one gate per match instead of one per
 * (match, covered index), and no fan-out. Optionally the one-hot bits are converted to
 * arithmetic shares by B2A (one COT per bit).
 *
 * Cost per row: k − 1 comparisons of `bits` bits, k − 1 bit × value products (one COT each
 * way), k − 2 AND gates (k ≥ 2; two random OTs per triple), plus k COTs for the optional B2A.
 * Rounds: see {@link argminRounds}.
 *
 * Revealed: nothing; every step consumes fresh masks. Security: semi-honest, inherits the OT
 * extension's assumptions. Precondition (the caller's promise): the values of a row differ by
 * less than 2^(bits−1) (e.g. all lie in [0, 2^(bits−1))), otherwise the comparisons are wrong.
 *
 * @module
 */

import {
  andBits,
  bitWords,
  type FanoutTriples,
  packBits,
  sliceTriples,
  unpackBits,
} from "./binary.ts";
import { generateFanoutTriples } from "./bit_triples.ts";
import {
  type ComparisonOptions,
  comparisonRounds,
  DEFAULT_DIGIT_BITS,
  signBits,
} from "./comparison.ts";
import type { MpcContext } from "./context.ts";
import { bitTimesShared, bitToArithmetic } from "./conversion.ts";

/** Options of {@link argmin}: the comparison bound, the outputs wanted, and tuning. */
export interface ArgminOptions extends ComparisonOptions {
  /** Bit bound of the comparisons (see the module doc; default 64). */
  bits?: number;
  /** Also return arithmetic shares of the one-hot bits (B2A; default true). */
  arithmeticOneHot?: boolean;
  /**
   * AND triples for the top-down expansion, at least {@link argminTripleWords}(n, k) words
   * (any fan-out), used once; when omitted they are generated in one batch at the start.
   */
  andTriples?: FanoutTriples;
}

/** Shares of each row's minimum and of its position. */
export interface ArgminResult {
  /** n shares of the row minima. */
  min: BigUint64Array;
  /** XOR shares of the one-hot index, n × k row-major: bit i·k + j = [row i's argmin is j]. */
  oneHotBits: Uint32Array;
  /** Arithmetic shares of the same bits, n × k row-major; null if `arithmeticOneHot` is false. */
  oneHot: BigUint64Array | null;
}

/** Candidate counts per level: k, ceil(k/2), ..., 2 (empty for k = 1). */
function levelWidths(k: number): number[] {
  const widths: number[] = [];
  for (let width = k; width > 1; width = Math.ceil(width / 2)) widths.push(width);
  return widths;
}

/** Words of AND triples {@link argmin} consumes for n rows of k values. */
export function argminTripleWords(n: number, k: number): number {
  const widths = levelWidths(k);
  let words = 0;
  for (let l = 0; l < widths.length - 1; l++) words += bitWords(n * (widths[l] >>> 1));
  return words;
}

/**
 * Rounds of {@link argmin} as counted by ChannelStats, [party 0, party 1], when each level's
 * comparisons fit one comparison batch (n · floor(k/2) ≤ the batch size). With
 * C = comparisonRounds(bits) and L = ceil(log2 k) levels, each level costs a comparison and a
 * bit × value product (one COT each way: C + 1 rounds on P0, C + 2 on P1 for k = 2) and the
 * expansion L − 1 AND layers; from L = 2 on, P0's AND opening and the next level's first frame
 * leave back to back with frames they do not wait for, saving one round on each side:
 * L(C + 2) − 2 on P0 and one more on P1. Generating the triples inside (no `andTriples`) adds
 * one round when any gate is needed (k ≥ 3); the B2A adds one on P0, and one on P1 unless
 * k = 2 (its COT frame joins P1's last product frame). A round is counted when a party sends
 * after receiving, so the count also depends on the frame before the call: these numbers hold
 * when this party's last frame before argmin was a send (as after triple generation); after a
 * receive, P0 counts one more. Pinned by tests/compare_argmin.test.ts.
 */
export function argminRounds(
  k: number,
  bits = 64,
  options: { digitBits?: number; triplesPassed?: boolean; arithmeticOneHot?: boolean } = {},
): [number, number] {
  const b2a = options.arithmeticOneHot !== false;
  const levels = k <= 1 ? 0 : Math.ceil(Math.log2(k));
  let rounds: [number, number] = [0, 0];
  if (levels === 1) {
    const c = comparisonRounds(bits, options.digitBits ?? DEFAULT_DIGIT_BITS);
    rounds = [c + 1, c + 2];
  } else if (levels >= 2) {
    const c = comparisonRounds(bits, options.digitBits ?? DEFAULT_DIGIT_BITS);
    const inner = options.triplesPassed ? 0 : 1;
    rounds = [levels * (c + 2) - 2 + inner, levels * (c + 2) - 1 + inner];
  }
  if (b2a) rounds = [rounds[0] + 1, rounds[1] + (k === 2 ? 0 : 1)];
  return rounds;
}

/**
 * Argmin of each row of `values` (n × k shares, row-major). Returns the shares of the minima
 * and of the one-hot position of the first minimal entry of each row.
 */
export async function argmin(
  ctx: MpcContext,
  values: BigUint64Array,
  k: number,
  options: ArgminOptions = {},
): Promise<ArgminResult> {
  if (!Number.isSafeInteger(k) || k < 1 || values.length % k !== 0) {
    throw new RangeError(`argmin: ${values.length} values do not form rows of k = ${k}`);
  }
  const bits = options.bits ?? 64;
  const n = values.length / k;
  const widths = levelWidths(k);
  const tripleWords = argminTripleWords(n, k);
  let triples = options.andTriples ?? null;
  if (triples !== null && triples.words < tripleWords) {
    throw new RangeError(`argmin: needs ${tripleWords} words of AND triples, got ${triples.words}`);
  }
  if (triples === null && tripleWords > 0) {
    triples = await generateFanoutTriples(ctx, tripleWords, 1);
  }

  // Bottom-up: minima per level, keeping each level's comparison bits s (n × pairs).
  let current = values;
  const selects: Uint8Array[] = [];
  for (const width of widths) {
    const pairs = width >>> 1;
    const next = Math.ceil(width / 2);
    const diff = new BigUint64Array(n * pairs);
    for (let i = 0; i < n; i++) {
      const row = i * width;
      for (let p = 0; p < pairs; p++) {
        diff[i * pairs + p] = current[row + 2 * p + 1] - current[row + 2 * p];
      }
    }
    const select = await signBits(ctx, diff, bits, options); // [v_B − v_A < 0]
    const moved = await bitTimesShared(ctx, select, diff, 1, n * pairs); // s·(v_B − v_A)
    const reduced = new BigUint64Array(n * next);
    for (let i = 0; i < n; i++) {
      const row = i * width;
      for (let p = 0; p < pairs; p++) {
        reduced[i * next + p] = current[row + 2 * p] + moved[i * pairs + p];
      }
      if (width % 2 === 1) reduced[i * next + pairs] = current[row + width - 1];
    }
    selects.push(unpackBits(select, n * pairs));
    current = reduced;
  }

  // Top-down: w holds XOR shares of "this candidate wins"; the root's w is the public 1.
  let w = new Uint8Array(n).fill(ctx.role === 0 ? 1 : 0);
  let tripleOffset = 0;
  for (let level = widths.length - 1; level >= 0; level--) {
    const below = widths[level];
    const pairs = below >>> 1;
    const above = Math.ceil(below / 2);
    const s = selects[level];
    const parent = new Uint8Array(n * pairs);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < pairs; p++) parent[i * pairs + p] = w[i * above + p];
    }
    let right: Uint8Array;
    if (level === widths.length - 1) {
      right = s; // w = 1 at the root, so w AND s = s
    } else {
      const words = bitWords(n * pairs);
      const gates = sliceTriples(triples!, tripleOffset, words);
      tripleOffset += words;
      right = unpackBits(await andBits(ctx, packBits(parent), packBits(s), gates), n * pairs);
    }
    const next = new Uint8Array(n * below);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < pairs; p++) {
        const r = right[i * pairs + p];
        next[i * below + 2 * p] = parent[i * pairs + p] ^ r;
        next[i * below + 2 * p + 1] = r;
      }
      if (below % 2 === 1) next[i * below + below - 1] = w[i * above + pairs];
    }
    w = next;
  }
  const oneHotBits = packBits(w);
  const oneHot = options.arithmeticOneHot === false
    ? null
    : await bitToArithmetic(ctx, oneHotBits, n * k);
  return { min: widths.length === 0 ? values.slice() : current, oneHotBits, oneHot };
}
