/**
 * Dealer-free Beaver triples and square pairs over Z_2^64 from correlated OT (Gilboa 1999;
 * SecureML, Mohassel & Zhang, S&P 2017, Section IV-A, "OT-based generation").
 *
 * Beaver triple ([a], [b], [c]) with c = ab: each party draws a_i, b_i from its private PRG;
 * c = a0 b0 + a1 b1 + a0 b1 + a1 b0, the two local terms computed by their owners and the two
 * cross terms by two Gilboa products. Gilboa's product is symmetric in who chooses, so both run
 * in the same direction and one OT batch: P0 sends with a0 against P1's bits of b1 and with b0
 * against P1's bits of a1. Traffic per triple: 128 OTs (128 bits of IKNP each) + 2 × 2080
 * correction bits = 2568 bytes.
 *
 * Square pair ([r], [r²]): r² = r0² + r1² + 2 r0 r1, so ONE cross term, a Gilboa product with
 * correlation r0 against P1's bits of r1, doubled: bit j of r1 contributes 2^(j+1)·r0, so bit
 * 63 drops out (a multiple of 2^64) and bit j needs r0 mod 2^(63−j) only. 63 OTs and 2016
 * correction bits: 1260 bytes per pair, a little under half a triple.
 *
 * Security (semi-honest, static): a_i, b_i, r_i are uniform and never leave their owner except
 * as OT choice bits / OT correlations, which the OT extension hides; every output is a fresh
 * additive share. Randomness from ctx.prg (seeded by the caller: OS randomness in production,
 * fixed test seeds in tests only).
 *
 * @module
 */

import { checkCount } from "../core/validate.ts";
import type { MpcContext } from "./context.ts";
import {
  doubledProductReceiver,
  doubledProductSender,
  gilboaReceiver,
  gilboaSender,
} from "./gilboa.ts";
import { ringAdd, ringMul } from "./ring.ts";

/** This party's shares of a batch of Beaver triples: c[i] = a[i] · b[i] after reconstruction. */
export interface BeaverTriples {
  /** Shares of a. */
  a: BigUint64Array;
  /** Shares of b. */
  b: BigUint64Array;
  /** Shares of c = a · b. */
  c: BigUint64Array;
}

/** This party's shares of a batch of square pairs: r2[i] = r[i]² after reconstruction. */
export interface SquarePairs {
  /** Shares of r. */
  r: BigUint64Array;
  /** Shares of r². */
  r2: BigUint64Array;
}

function concat(x: BigUint64Array, y: BigUint64Array): BigUint64Array {
  const out = new BigUint64Array(x.length + y.length);
  out.set(x);
  out.set(y, x.length);
  return out;
}

/**
 * Generates `count` Beaver triples with the peer (both parties call it with the same count).
 * One batch of 128·count correlated OTs, party 0 as OT sender.
 */
export async function generateTriples(ctx: MpcContext, count: number): Promise<BeaverTriples> {
  checkCount(count, "generateTriples count");
  const a = ctx.prg.ring(count);
  const b = ctx.prg.ring(count);
  const c = ringMul(a, b);
  // Both cross terms in ONE batch of correlated OTs with P0 as sender: a0·b1 (correlation a0,
  // P1 chooses with the bits of b1) and b0·a1 (correlation b0, P1 chooses with the bits of a1).
  // Same OTs and bytes as one Gilboa product per direction, but one direction switch fewer and
  // a single pipelined OT stream.
  const cross = ctx.role === 0
    ? await gilboaSender(ctx, concat(a, b), 1)
    : await gilboaReceiver(ctx, concat(b, a), 1);
  for (let i = 0; i < count; i++) c[i] += cross[i] + cross[count + i];
  return { a, b, c };
}

/**
 * Generates `count` square pairs with the peer: one batch of correlated OT, P0 sending with
 * correlation r0 and P1 choosing with bits 0..62 of r1 (the doubled product 2·r0·r1).
 */
export async function generateSquarePairs(ctx: MpcContext, count: number): Promise<SquarePairs> {
  checkCount(count, "generateSquarePairs count");
  const r = ctx.prg.ring(count);
  const r2 = ringMul(r, r);
  if (ctx.role === 0) {
    ringAdd(r2, await doubledProductSender(ctx, r, 1), r2);
  } else {
    ringAdd(r2, await doubledProductReceiver(ctx, r, 1), r2);
  }
  return { r, r2 };
}
