/**
 * The KOS15 consistency check for IKNP against a malicious extension receiver: Keller, Orsini,
 * Scholl, "Actively Secure OT Extension with Optimal Overhead" (CRYPTO 2015, eprint 2015/546),
 * in the corrected form of the revised eprint, whose check follows Roy, "SoftSpokenOT: Quieter
 * OT Extension from Small-Field Silent VOLE in the Minicrypt Model" (CRYPTO 2022, eprint
 * 2022/192). Enabled by `IknpOptions.maliciousReceiverCheck` (ot/iknp.ts); off by default.
 *
 * Why the corrected form (as reported in implementers' public issue threads: libOTe #87 and
 * #167, emp-ot #77, swanky #33, fresco #394; we did not have the papers' text): Roy's
 * SoftSpokenOT paper showed that the original check (one challenge per OT row t_i, Fig. 7 of
 * the first KOS15 version) rested on a lemma that does not hold, and gave an attack on it; the
 * libOTe and emp-ot maintainers state that the attack does not reach their 128-bit parameters,
 * but the original proof stays broken. The KOS15 authors revised the eprint with a check based
 * on SoftSpokenOT's, computed on the column-form matrices T and Q in blocks before the
 * transpose; libOTe (PR #169, 128-bit blocks) and CryProt implement it. We implement that
 * check with 128-bit blocks (GF(2^128)). We did not re-derive its soundness bound: see the
 * revised eprint.
 *
 * The check, per chunk (every chunk of every call is checked before its outputs are used):
 * - The receiver extends the chunk by at least κ + s = 128 + 64 extra OTs ({@link KOS_EXTRA_OTS},
 *   rounded up to the 128-column blocks of the matrix) whose choice bits are fresh random bits.
 *   Their outputs are never hashed or returned: they only mask the check values below.
 * - After receiving the whole u matrix of the chunk, the sender draws a fresh 16-byte seed from
 *   its private PRG and sends it. Both sides expand it (AES-CTR, party/prg.ts) into one
 *   challenge χ_k ∈ GF(2^128) per 128-column block k of the matrix.
 * - Viewing each base-OT row j of the column-form matrix (a bit vector over the chunk's OTs) as
 *   a vector of GF(2^128) blocks, the receiver sends t̃_j = Σ_k χ_k·t_{j,k} for j < 128 and
 *   x̃ = Σ_k χ_k·r_k for its choice-bit row r (products in ot/gf128.ts).
 * - The sender computes q̃_j = Σ_k χ_k·q_{j,k} and accepts iff q̃_j = t̃_j + Δ_j·x̃ for all j
 *   (Δ_j ∈ {0,1} is bit j of its IKNP Δ). By linearity this holds for an honest receiver,
 *   since q_j = t_j ⊕ Δ_j·r. Otherwise it closes the channel and throws {@link OtCheckError}.
 *
 * Challenge: sender-chosen, sent after the u matrix (not a coin toss). Sound because the check
 * protects only the sender, whose own PRG draws the seed after the receiver has committed to
 * every u column of the chunk; the receiver cannot predict it when it chooses u. A coin toss
 * would add a round and would matter only against a malicious sender, which is outside this
 * option's model: a sender choosing χ_last = 0 for the last (all-random) block could learn a
 * linear combination of choice bits from x̃, whereas the semi-honest sender draws χ uniformly.
 *
 * Revealed values: x̃ and t̃_j. x̃ is one-time padded by χ_last·r_last with r_last the uniformly
 * random choice bits of the last 128-column block, which lies wholly among the extra OTs (χ_last ≠ 0 except with probability 2^-128); given
 * x̃, every t̃_j = q̃_j ⊕ Δ_j·x̃ is computable by the sender, so it reveals nothing more.
 *
 * Scope: this makes the OT extension secure against a malicious receiver only. The sender is
 * still semi-honest, and the rest of the project (arithmetic, comparisons, k-means) remains
 * semi-honest; turning the check on does not make any higher-level protocol maliciously secure.
 *
 * Cost: per chunk of N OTs, 128 to 255 extra matrix columns (16 bytes each on the wire), a
 * 16-byte seed and 129 × 16 bytes of check values (one extra message each way), and per party
 * one multiply-accumulate per 128-bit block and row (16 table lookups). For random and global-delta OT the answer to chunk k travels after u_{k+1}
 * (ot/iknp.ts), so the exchange costs no round trip per chunk; for ring-correlated, Gilboa and
 * chosen-message OT the sender's answer needs the check first, so those kinds pay one round
 * trip per chunk and run without the receiver's look-ahead. `deno task bench-ot [--kos]`
 * measures the cost (BENCHMARKS.md).
 *
 * @module
 */

import { ChannelError } from "../party/channel.ts";
import { Prg } from "../core/prg.ts";
import {
  accumulateProduct,
  combineByteShifts,
  gf128ByteTable,
  gf128Reduce,
  TABLE_WORDS,
} from "./gf128.ts";

/** Computational security parameter κ (IKNP matrix height). */
const KAPPA = 128;

/** Statistical security parameter s of the check. */
export const STATISTICAL_SECURITY = 64;

/** Extra OTs per checked chunk: κ + s (the matrix rounds the total up to 128 columns). */
export const KOS_EXTRA_OTS: number = KAPPA + STATISTICAL_SECURITY;

/** Bytes of the sender's challenge seed. */
export const CHALLENGE_SEED_BYTES = 16;

/** Bytes of the receiver's answer: t̃_0..t̃_127 then x̃, 16 bytes each. */
export const CHECK_RESPONSE_BYTES = (KAPPA + 1) * 16;

/** The sender's consistency check failed: the peer (IKNP receiver) deviated from the protocol. */
export class OtCheckError extends ChannelError {
  /** A failed KOS15 check or malformed check message; `message` says which. */
  constructor(message: string) {
    super(message);
    this.name = "OtCheckError";
  }
}

/** Matrix columns of a checked chunk of n OTs: n + κ + s rounded up to a multiple of 128. */
export function checkedColumns(n: number): number {
  return Math.ceil((n + KOS_EXTRA_OTS) / 128) * 128;
}

/** The challenges χ_k for `blocks` column blocks from the sender's seed (4 limbs each). */
export function expandChallenges(seed: Uint8Array, blocks: number): Uint32Array {
  if (seed.length !== CHALLENGE_SEED_BYTES) {
    throw new ChannelError(`KOS check: challenge seed must be ${CHALLENGE_SEED_BYTES} bytes`);
  }
  const bytes = new Prg(seed).bytes(blocks * 16);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, blocks * 4);
}

/**
 * Σ_k χ_k·M_{j,k} in GF(2^128) for every row j of a column-form matrix: `matrix` holds
 * `rows` rows of `words` u32 words (words = columns / 32); `extraRow`, if given, is hashed as
 * row `rows`. Returns (rows + extra) × 4 limbs. Reusable buffers; one instance per endpoint.
 */
export class ColumnHasher {
  #table = new Uint32Array(TABLE_WORDS);
  #acc = new Uint32Array(0);
  #wide = new Uint32Array(8);

  /** Hashes the rows as described on the class. */
  hash(
    matrix: Uint32Array,
    rows: number,
    words: number,
    extraRow: Uint32Array | null,
    challenges: Uint32Array,
  ): Uint32Array {
    const blocks = words >>> 2;
    const total = rows + (extraRow ? 1 : 0);
    if (words % 4 !== 0 || challenges.length < blocks * 4 || matrix.length < rows * words) {
      throw new RangeError("ColumnHasher: matrix, rows and challenges do not match");
    }
    if (this.#acc.length < total * 32) this.#acc = new Uint32Array(total * 32);
    const acc = this.#acc;
    acc.fill(0, 0, total * 32);
    const table = this.#table;
    for (let k = 0; k < blocks; k++) {
      // One table per challenge, shared by all rows: the cost per row is 16 lookups.
      gf128ByteTable(challenges, k * 4, table);
      for (let j = 0; j < rows; j++) {
        accumulateProduct(table, matrix, j * words + k * 4, acc, j * 32);
      }
      if (extraRow) accumulateProduct(table, extraRow, k * 4, acc, rows * 32);
    }
    const out = new Uint32Array(total * 4);
    for (let j = 0; j < total; j++) {
      combineByteShifts(acc, j * 32, this.#wide);
      gf128Reduce(this.#wide, out, j * 4);
    }
    return out;
  }
}

/**
 * The receiver's answer for one chunk: t̃_j of the 128 rows of its column-form matrix t (before
 * masking with G(k_j^1) and r) and x̃ of its choice-bit row `choiceRow` (columns bits).
 */
export function receiverCheckResponse(
  hasher: ColumnHasher,
  t: Uint32Array,
  choiceRow: Uint32Array,
  columns: number,
  seed: Uint8Array,
): Uint8Array {
  const words = columns >>> 5;
  const challenges = expandChallenges(seed, words >>> 2);
  const sums = hasher.hash(t, KAPPA, words, choiceRow, challenges);
  return new Uint8Array(sums.buffer, sums.byteOffset, CHECK_RESPONSE_BYTES);
}

/**
 * The sender's side of one chunk's check, before the answer arrives: q̃_j for the 128 rows of
 * its column-form matrix q (4 limbs each).
 */
export function senderCheckSums(
  hasher: ColumnHasher,
  q: Uint32Array,
  columns: number,
  seed: Uint8Array,
): Uint32Array {
  const words = columns >>> 5;
  return hasher.hash(q, KAPPA, words, null, expandChallenges(seed, words >>> 2));
}

/**
 * Checks the receiver's answer against the sender's sums: q̃_j = t̃_j ⊕ Δ_j·x̃ for every row j
 * (`deltaBits[j]` is Δ_j). Throws {@link OtCheckError} on any mismatch or a malformed answer.
 */
export function verifyCheckResponse(
  sums: Uint32Array,
  deltaBits: Uint8Array,
  response: Uint8Array,
): void {
  if (response.length !== CHECK_RESPONSE_BYTES) {
    throw new OtCheckError(
      `KOS check: peer sent ${response.length} bytes of check values, expected ${CHECK_RESPONSE_BYTES}`,
    );
  }
  const answer = response.byteOffset % 4 === 0
    ? new Uint32Array(response.buffer, response.byteOffset, (KAPPA + 1) * 4)
    : new Uint32Array(response.slice().buffer);
  const x = KAPPA * 4;
  // Accumulate all differences so the result does not depend on where the first one is.
  let diff = 0;
  for (let j = 0; j < KAPPA; j++) {
    const mask = -deltaBits[j] | 0; // all ones when Δ_j = 1
    for (let w = 0; w < 4; w++) {
      diff |= sums[j * 4 + w] ^ answer[j * 4 + w] ^ (answer[x + w] & mask);
    }
  }
  if (diff !== 0) {
    throw new OtCheckError(
      "KOS check failed: the peer's OT-extension matrix is inconsistent (malicious or corrupted receiver)",
    );
  }
}
