/**
 * Secure argmin over k shared values per row, for n rows at once, by a tournament
 * (docs/PROTOCOLS.md, "Argmin by tournament"; the standard construction of e.g. SecureML-style
 * k-means, Mohassel, Rosulek, Trieu, PETS 2020).
 *
 * Candidates are paired in index order at each of ceil(log2 k) levels; for a pair (A, B), A
 * covering lower indices than B, s = [v_B < v_A] (strict, so ties keep the lower index), the
 * winner's value is v_A + s (v_B − v_A) (multiplexer, protocol/conversion.ts) and its one-hot
 * vector is (onehot_A AND NOT s) ‖ (onehot_B AND s). All pairs of a level, over all rows, go
 * through one batched comparison, one multiplexer and one AND layer whose gates for a pair share
 * the factor s (fan-out triples, protocol/bit_triples.ts). A leaf's one-hot vector is the public
 * unit vector, so the first level's one-hot update is local. At the end the XOR-shared one-hot
 * bits are converted to arithmetic shares by B2A (k-means sums and counts need them).
 *
 * Cost per row: k − 1 comparisons of `bits` bits, k − 1 multiplexers (2 COTs each), one fan-out
 * triple per non-leaf match (all generated up front in one batch), and k B2A (one COT each).
 * Rounds: see {@link argminRounds}.
 *
 * Revealed: nothing; every step consumes fresh masks. Security: semi-honest, inherits the OT
 * extension's assumptions. Precondition (the caller's promise): the values of a row differ by
 * less than 2^(bits−1) (e.g. all lie in [0, 2^(bits−1))), otherwise the comparisons are wrong.
 *
 * @module
 */

import { andFanout, bitWords, type FanoutTriples, sliceTriples } from "./binary.ts";
import { generateFanoutTriples, MAX_FANOUT } from "./bit_triples.ts";
import {
  type ComparisonOptions,
  comparisonRounds,
  DEFAULT_DIGIT_BITS,
  signBits,
} from "./comparison.ts";
import type { MpcContext } from "./context.ts";
import { bitTimesShared, bitToArithmetic } from "./conversion.ts";

/**
 * Rounds of {@link argmin} as counted by ChannelStats, [party 0, party 1], when each level's
 * comparisons fit one batch (n · floor(k/2) ≤ the comparison batch). With C the comparison's
 * rounds and L = ceil(log2 k) levels: each level is a comparison, a multiplexer (1 round on P0,
 * 2 on P1) and, from level 2 on, one AND layer; the triples before and the B2A after add one
 * each; frames that leave back to back without a receive in between count once. That gives
 * (1, 1) for k = 1, (C + 2, C + 2) for k = 2, and (L(C + 2), L(C + 2) + 1) for k ≥ 3.
 */
export function argminRounds(
  k: number,
  bits = 64,
  digitBits = DEFAULT_DIGIT_BITS,
): [number, number] {
  if (k <= 1) return [1, 1];
  const perLevel = comparisonRounds(bits, digitBits) + 2;
  if (k === 2) return [perLevel, perLevel];
  const levels = Math.ceil(Math.log2(k));
  return [levels * perLevel, levels * perLevel + 1];
}

/** Options of {@link argmin}: the comparison bound and tuning. */
export interface ArgminOptions extends ComparisonOptions {
  /** Bit bound of the comparisons (see the module doc; default 64). */
  bits?: number;
}

/** Shares of each row's minimum and of its position. */
export interface ArgminResult {
  /** n shares of the row minima. */
  min: BigUint64Array;
  /**
   * XOR shares of the one-hot index: k packed bit vectors of n bits, vector j (words
   * [j·W, (j+1)·W) with W = ceil(n / 32)) holds bit "row i's minimum is at column j".
   */
  oneHotBits: Uint32Array;
  /** Arithmetic shares of the same one-hot index, n × k row-major. */
  oneHot: BigUint64Array;
}

interface Candidate {
  /** Shares of the current minimum of columns [lo, hi), one per (padded) row. */
  value: BigUint64Array;
  lo: number;
  hi: number;
  /** One-hot shares over [lo, hi), (hi − lo) vectors; null for a leaf (public unit vector). */
  bits: Uint32Array | null;
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
  const words = bitWords(n);
  const padded = words * 32;
  let candidates: Candidate[] = [];
  for (let j = 0; j < k; j++) {
    const column = new BigUint64Array(padded);
    for (let i = 0; i < n; i++) column[i] = values[i * k + j];
    candidates.push({ value: column, lo: j, hi: j + 1, bits: null });
  }
  // All one-hot AND triples of the tournament in one batch: the shape depends only on k.
  const plan = andGroupsPerLevel(k);
  const fanout = Math.max(1, ...plan.map((level) => level.maxFanout));
  const totalGroups = plan.reduce((sum, level) => sum + level.groups, 0);
  const triples = totalGroups > 0
    ? await generateFanoutTriples(ctx, totalGroups * words, fanout)
    : null;
  let tripleOffset = 0;
  for (const level of plan) {
    const levelTriples = level.groups > 0
      ? sliceTriples(triples!, tripleOffset, level.groups * words)
      : null;
    tripleOffset += level.groups * words;
    candidates = await tournamentLevel(ctx, candidates, words, bits, options, levelTriples);
  }
  const root = candidates[0];
  const oneHotBits = root.bits ?? unitBits(ctx, words);
  const arithmetic = await bitToArithmetic(ctx, oneHotBits, k * padded);
  const oneHot = new BigUint64Array(n * k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) oneHot[i * k + j] = arithmetic[j * padded + i];
  }
  return { min: root.value.slice(0, n), oneHotBits, oneHot };
}

/**
 * For each tournament level, the number of AND-gate groups (one per ≤ MAX_FANOUT non-leaf
 * one-hot vectors of a pair) and their largest fan-out; mirrors {@link tournamentLevel}.
 */
function andGroupsPerLevel(k: number): { groups: number; maxFanout: number }[] {
  let ranges = Array.from({ length: k }, () => ({ size: 1, leaf: true }));
  const plan: { groups: number; maxFanout: number }[] = [];
  while (ranges.length > 1) {
    let groups = 0;
    let maxFanout = 0;
    const next: { size: number; leaf: boolean }[] = [];
    for (let p = 0; p + 1 < ranges.length; p += 2) {
      const [a, b] = [ranges[p], ranges[p + 1]];
      const vectors = (a.leaf ? 0 : a.size) + (b.leaf ? 0 : b.size);
      groups += Math.ceil(vectors / MAX_FANOUT);
      maxFanout = Math.max(maxFanout, Math.min(vectors, MAX_FANOUT));
      next.push({ size: a.size + b.size, leaf: false });
    }
    if (ranges.length % 2 === 1) next.push(ranges[ranges.length - 1]);
    plan.push({ groups, maxFanout });
    ranges = next;
  }
  return plan;
}

/** Shares of an all-ones vector (a public constant: party 0 holds it). */
function unitBits(ctx: MpcContext, words: number): Uint32Array {
  return new Uint32Array(words).fill(ctx.role === 0 ? 0xffffffff : 0);
}

/** One level of the tournament: pairs (0,1), (2,3), ...; an odd last candidate passes. */
async function tournamentLevel(
  ctx: MpcContext,
  candidates: Candidate[],
  words: number,
  bits: number,
  options: ComparisonOptions,
  triples: FanoutTriples | null,
): Promise<Candidate[]> {
  const padded = words * 32;
  const pairs = candidates.length >>> 1;
  const diff = new BigUint64Array(pairs * padded);
  for (let p = 0; p < pairs; p++) {
    const a = candidates[2 * p].value;
    const b = candidates[2 * p + 1].value;
    const base = p * padded;
    for (let i = 0; i < padded; i++) diff[base + i] = b[i] - a[i];
  }
  const select = await signBits(ctx, diff, bits, options); // [v_B < v_A] per pair and row
  const moved = await bitTimesShared(ctx, select, diff, 1, pairs * padded);

  // AND gates: every non-leaf one-hot vector of a pair with that pair's s, ≤ MAX_FANOUT per gate.
  // products[p][t] = (vector t of pair p's concatenated one-hot A ‖ B) AND s_p, non-leaf only.
  const products: Uint32Array[][] = Array.from({ length: pairs }, () => []);
  const groups: { pair: number; first: number; vectors: Uint32Array[] }[] = [];
  for (let p = 0; p < pairs; p++) {
    const vectors: Uint32Array[] = [];
    let first = -1;
    for (const c of [candidates[2 * p], candidates[2 * p + 1]]) {
      if (c.bits === null) continue;
      if (first < 0) first = c.lo - candidates[2 * p].lo;
      for (let t = 0; t < c.hi - c.lo; t++) {
        vectors.push(c.bits.subarray(t * words, (t + 1) * words));
      }
    }
    for (let g = 0; g < vectors.length; g += MAX_FANOUT) {
      groups.push({ pair: p, first: first + g, vectors: vectors.slice(g, g + MAX_FANOUT) });
    }
  }
  if (groups.length > 0) {
    const fanout = Math.max(...groups.map((g) => g.vectors.length));
    const gateWords = groups.length * words;
    if (triples === null || triples.words !== gateWords || triples.fanout < fanout) {
      throw new Error("argmin: triple plan does not match the tournament"); // a bug, not input
    }
    const x = new Uint32Array(gateWords);
    const ys = Array.from({ length: fanout }, () => new Uint32Array(gateWords));
    groups.forEach((g, e) => {
      x.set(select.subarray(g.pair * words, (g.pair + 1) * words), e * words);
      g.vectors.forEach((v, f) => ys[f].set(v, e * words));
    });
    const z = await andFanout(ctx, x, ys, triples);
    groups.forEach((g, e) => {
      g.vectors.forEach((_, f) => {
        products[g.pair][g.first + f] = z[f].subarray(e * words, (e + 1) * words);
      });
    });
  }

  const next: Candidate[] = [];
  for (let p = 0; p < pairs; p++) {
    const a = candidates[2 * p];
    const b = candidates[2 * p + 1];
    const s = select.subarray(p * words, (p + 1) * words);
    const value = new BigUint64Array(padded);
    const base = p * padded;
    for (let i = 0; i < padded; i++) value[i] = a.value[i] + moved[base + i];
    const oneHot = new Uint32Array((b.hi - a.lo) * words);
    // A's part: onehot_A AND NOT s = onehot_A xor (onehot_A AND s); a leaf's onehot_A is 1.
    if (a.bits === null) {
      for (let w = 0; w < words; w++) oneHot[w] = ctx.role === 0 ? ~s[w] : s[w];
    } else {
      for (let t = 0; t < a.hi - a.lo; t++) {
        const v = a.bits.subarray(t * words, (t + 1) * words);
        const vs = products[p][t];
        for (let w = 0; w < words; w++) oneHot[t * words + w] = v[w] ^ vs[w];
      }
    }
    // B's part: onehot_B AND s; a leaf's is s itself.
    const offset = (a.hi - a.lo) * words;
    if (b.bits === null) {
      oneHot.set(s, offset);
    } else {
      for (let t = 0; t < b.hi - b.lo; t++) {
        oneHot.set(products[p][a.hi - a.lo + t], offset + t * words);
      }
    }
    next.push({ value, lo: a.lo, hi: b.hi, bits: oneHot });
  }
  if (candidates.length % 2 === 1) next.push(candidates[candidates.length - 1]);
  return next;
}
