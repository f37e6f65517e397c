/**
 * Gilboa's product of two private ring values from correlated OT (Gilboa, CRYPTO 1999; as used
 * for Beaver triples in SecureML, Mohassel & Zhang, S&P 2017), in its vector form.
 *
 * The sender holds, for each of N scalars of the receiver, a vector x_t of L ring values; the
 * receiver holds the scalars b_t. They end with additive shares of b_t · x_t (N × L values):
 * for each bit j of b_t one correlated OT with choice bit b_{t,j} and correlation vector
 * x_t mod 2^(64−j). The receiver obtains m0 + b_{t,j} · x_t and the sender keeps m0, so
 * Σ_j 2^j (received) − Σ_j 2^j m0 = b_t · x_t mod 2^64. Bit j only matters mod 2^(64−j), so
 * the OT messages are cut to 64 − j bits: l(l+1)/2 = 2080 correction bits per vector element
 * plus the OT extension's 128 bits per OT. With L = 1 this is the scalar Gilboa product; with
 * L > 1 one OT per bit serves a whole vector (vector OLE).
 *
 * The OTs and their folding into shares are the OT endpoints' `gilboaFold` (ot/types.ts), so
 * an OT extension can fuse them into its stream; here the product is only named and shaped.
 *
 * Security (semi-honest): the receiver's view is the correlated-OT output, which is m0 plus a
 * multiple of x_t with m0 uniform to it (OT-extension security, correlation-robust hash), so
 * its output share is uniform; the sender learns nothing about the choice bits (OT receiver
 * privacy). Nothing else is exchanged. Inherits the security of the OT extension in ot/.
 *
 * @module
 */

import type { MpcContext } from "./context.ts";

export { MAX_OT_VALUES_PER_CALL } from "../ot/ring_correlation.ts";

/**
 * Sender half: this party holds `vectors` (N × L row-major) and gets its share of b_t · x_t
 * (N × L), where the peer holds the scalars b_t (it runs {@link gilboaReceiver}).
 */
export function gilboaSender(
  ctx: MpcContext,
  vectors: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  return ctx.ot.sender.gilboaFold(vectors, vectorLength, 0);
}

/**
 * Receiver half: this party holds the N scalars b_t and gets its share of b_t · x_t (N × L),
 * where the peer holds the vectors x_t (it runs {@link gilboaSender}).
 */
export function gilboaReceiver(
  ctx: MpcContext,
  scalars: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  return ctx.ot.receiver.gilboaFold(scalars, vectorLength, 0);
}

/**
 * Sender half of the doubled product 2 · b_t · x_t (N × L shares) with 63 OTs per scalar
 * instead of 64: bit 63 of b_t only contributes 2^64 · x_t ≡ 0, and bit j's OT carries
 * x_t mod 2^(63−j). Square pairs use it for their cross term 2·r0·r1. The peer runs
 * {@link doubledProductReceiver}.
 */
export function doubledProductSender(
  ctx: MpcContext,
  vectors: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  return ctx.ot.sender.gilboaFold(vectors, vectorLength, 1);
}

/** Receiver half of {@link doubledProductSender}: this party holds the scalars b_t. */
export function doubledProductReceiver(
  ctx: MpcContext,
  scalars: BigUint64Array,
  vectorLength: number,
): Promise<BigUint64Array> {
  return ctx.ot.receiver.gilboaFold(scalars, vectorLength, 1);
}
