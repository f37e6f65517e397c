/**
 * Opening the k-means inertia I = Σ_i min_j ‖x̂_i − ĉ_j‖² (scale 2^2f) exactly, without the
 * silent wrap-around of a plain Z_2^64 sum (security review finding 2).
 *
 * Each row's value r_i is an exact squared distance, so 0 ≤ r_i ≤ 4dM² with M = 2^(f+B) the
 * public value bound at scale f (points and centroids lie in [−M, M]^d), and secureBounds
 * guarantees 4dM² ≤ 2^62. Hence I ≤ n·4dM², a public bound:
 * - if n·4dM² < 2^63, the Z_2^64 sum of the row shares cannot wrap: it is opened as is;
 * - otherwise the sum is lifted to Z_2^128 exactly. With r_i = r0_i + r1_i − 2^64·w_i over the
 *   integers (shares in [0, 2^64)), r_i < 2^63 gives w_i = msb(r0_i) OR msb(r1_i): if the shares
 *   wrap one of them is ≥ 2^63, and if one is ≥ 2^63 without a wrap then r_i ≥ 2^63. So
 *   w_i = m0 + m1 − m0·m1 with m_p = msb(r_p,i) known to party p, and m0·m1 costs one
 *   correlated OT (protocol/conversion.ts bitTimesOwnerValues, P0 the owner of m0, P1 choosing
 *   with m1). Party p's share of I in Z_2^128 is s_p = Σ_i r_p,i (as integers) − 2^64·W_p with
 *   W_p its share of W = Σ_i w_i ≤ n; s0 + s1 ≡ I (mod 2^128). The shares travel as four 32-bit
 *   limbs in 64-bit words (each limb sum < 2^33, so `open` over Z_2^64 is exact per limb).
 * Either way the opened value is decoded as signed and a negative result is refused.
 *
 * Revealed: exactly I (the peer's share s_p is I minus one's own share, nothing more). The
 * wrap-product COT outputs are fresh shares. Security: semi-honest; OT-extension assumptions.
 *
 * @module
 */

import { PeerError } from "../../core/errors.ts";
import type { MpcContext } from "../../protocol/context.ts";
import { packBits } from "../../protocol/binary.ts";
import type { DistanceForm } from "./assign.ts";
import type { JointLayout, SecureBounds } from "./layout.ts";

const TWO_64 = 1n << 64n;
const TWO_127 = 1n << 127n;
const MASK_128 = (1n << 128n) - 1n;

/** True if Σ_i r_i may reach 2^63 for n rows (public: n, d, f, B only). */
export function inertiaMayWrap(n: number, d: number, bounds: SecureBounds): boolean {
  const magnitude = BigInt(bounds.fractionalBits + bounds.valueBits);
  return BigInt(n) * 4n * BigInt(d) * (1n << (2n * magnitude)) >= 1n << 63n;
}

/**
 * This party's shares of r_i = min_j D_ij, plus its own part of ‖x̂_i‖² for the dot form
 * (‖x̂_i‖² is local to the owner(s) of row i's values, so each adds its part to its share).
 */
export function rowInertiaShares(
  ctx: MpcContext,
  layout: JointLayout,
  own: BigUint64Array,
  minimum: BigUint64Array,
  distance: DistanceForm,
): BigUint64Array {
  const rows = minimum.slice();
  if (distance !== "dot") return rows;
  const block = layout.blocks[ctx.role];
  for (let i = 0; i < block.rowCount; i++) {
    let s = 0n;
    for (let l = 0; l < block.colCount; l++) {
      const v = BigInt.asIntN(64, own[i * block.colCount + l]);
      s += v * v;
    }
    rows[block.rowStart + i] += s;
  }
  return rows;
}

/** The inertia opening of one party, split so its COT can share a batch with other products. */
export interface InertiaOpening {
  /** Rows whose wrap bits need the product m0·m1 (0 when the sum cannot wrap). */
  readonly productCount: number;
  /** This party's XOR shares of the choice bits m1 (P0 holds zeros, P1 holds m1). */
  readonly choiceBits: Uint32Array;
  /** P0's owner values m0 (0 or 1 each); null on P1. */
  readonly ownerValues: BigUint64Array | null;
  /** The words to open, given this party's shares of m0·m1 (`productCount` values). */
  shares(products: BigUint64Array): BigUint64Array;
  /** The inertia in data units² from the opened words; throws if it is negative. */
  decode(opened: BigUint64Array): number;
}

/** Prepares the opening of Σ_i r_i for this party's row shares `rows`; see the module doc. */
export function prepareInertia(
  ctx: MpcContext,
  rows: BigUint64Array,
  lift: boolean,
  fractionalBits: number,
): InertiaOpening {
  const scale = 2 ** (2 * fractionalBits);
  const n = rows.length;
  if (!lift) {
    return {
      productCount: 0,
      choiceBits: new Uint32Array(0),
      ownerValues: null,
      shares: () => {
        let s = 0n;
        for (let i = 0; i < n; i++) s += rows[i];
        return BigUint64Array.of(BigInt.asUintN(64, s));
      },
      decode: (opened) => checkedInertia(BigInt.asIntN(64, opened[0]), scale),
    };
  }
  const msb = new Uint8Array(n);
  for (let i = 0; i < n; i++) msb[i] = Number(rows[i] >> 63n);
  return {
    productCount: n,
    choiceBits: ctx.role === 1 ? packBits(msb) : new Uint32Array(Math.ceil(n / 32)),
    ownerValues: ctx.role === 0 ? BigUint64Array.from(msb, (m) => BigInt(m)) : null,
    shares: (products) => {
      let sum = 0n;
      let wraps = 0n; // this party's share of W, mod 2^64
      for (let i = 0; i < n; i++) {
        sum += rows[i];
        wraps += BigInt(msb[i]) - products[i];
      }
      const share = (sum - TWO_64 * BigInt.asUintN(64, wraps)) & MASK_128;
      return BigUint64Array.from([0n, 32n, 64n, 96n], (shift) => (share >> shift) & 0xffffffffn);
    },
    decode: (opened) => {
      let total = 0n;
      for (let limb = 0; limb < 4; limb++) total += opened[limb] << BigInt(32 * limb);
      total &= MASK_128;
      return checkedInertia(total >= TWO_127 ? total - 2n * TWO_127 : total, scale);
    },
  };
}

function checkedInertia(value: bigint, scale: number): number {
  if (value < 0n) {
    throw new PeerError("secure inertia: the opened value is negative (corrupted opening)");
  }
  return Number(value) / scale;
}
