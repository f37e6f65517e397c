/**
 * IKNP OT extension (Ishai, Kilian, Nissim, Petrank, CRYPTO 2003), semi-honest, streamed in
 * chunks so that any number of OTs runs in bounded memory.
 *
 * Roles swap with respect to the base OTs: the extension sender holds a random s ∈ {0,1}^128
 * and the keys k_j^{s_j} (base-OT receiver); the extension receiver holds both keys k_j^0, k_j^1
 * (base-OT sender). Per chunk of N OTs, with choice bits r:
 *   receiver: t_j = G(k_j^0), u_j = t_j ⊕ G(k_j^1) ⊕ r, sends the 128 × N bit matrix u;
 *   sender:   q_j = G(k_j^{s_j}) ⊕ s_j·u_j = t_j ⊕ s_j·r;
 * after transposing, row i gives q_i = t_i ⊕ r_i·s. G is AES-128-CTR (party/prg.ts).
 *
 * Outputs are then derived locally (see ot/types.ts for the API):
 * - correlated OT with global Δ = s: (q_i, q_i ⊕ Δ) and t_i, unhashed on purpose;
 * - random OT: H(i, q_i), H(i, q_i ⊕ s) and H(i, t_i), with H the tweakable correlation-robust
 *   hash of ot/tccr_hash.ts; the tweak is (OT index, block index) where the OT index is a
 *   running counter of this endpoint pair, so no tweak is ever reused;
 * - ring-correlated OT (ot/ring_correlation.ts) and chosen-message OT (y_b = M_b ⊕ H(i, q_i ⊕ b·s)).
 *
 * With `maliciousReceiverCheck`, every chunk also runs the KOS15 consistency check of
 * ot/kos_check.ts (extra masked OTs, a sender challenge, the receiver's answer) and the sender
 * uses none of a chunk's outputs before its check has passed. Frame order per chunk k with the
 * check: random and global-delta OT send u_k, seed_k, then the answer to chunk k − 1 (lagged,
 * so neither party waits a round trip); ring, Gilboa and chosen OT send u_k, seed_k, answer_k,
 * then the sender's corrections or ciphertexts for chunk k.
 *
 * Revealed values: the u matrix (a one-time-pad of r under G(k_j^{1−s_j}), which the sender
 * cannot compute), the ring corrections τ and the chosen-OT ciphertexts, each masked by a pad
 * the receiver does not hold. Security: base OTs secure, AES a PRF, H tweakable correlation
 * robust; static semi-honest adversaries. Every frame from the peer is length-checked.
 *
 * @module
 */

export { IknpSender } from "./iknp_sender.ts";
export { IknpReceiver } from "./iknp_receiver.ts";
export {
  DEFAULT_CHUNK_OTS,
  DEFAULT_RING_CHUNK_OTS,
  type IknpOptions,
  KAPPA,
  type ReceiverChunkHandler,
  type SenderChunkHandler,
} from "./iknp_shared.ts";
