/**
 * Commit-then-open coin toss (Blum, "Coin flipping by telephone", 1981) giving both parties a
 * common 16-byte seed that neither chose alone.
 *
 *     P0: s0, salt <- random;  c = SHA-256("commit" || sid || s0 || salt);  send c
 *     P1: s1 <- random;  send s1
 *     P0: send s0 || salt
 *     P1: check c;  both: seed = SHA-256("joint seed" || sid || s0 || s1)[0..16)
 *     both: send h_role = SHA-256("confirm" || sid || role || seed); check the peer's h_(1-role)
 *
 * Security: SHA-256 is modelled as a random oracle, so c hides s0 (the 128-bit salt makes it
 * hiding even for a guessable s0) and binds P0 to it; P1 sends s1 before seeing s0. Semi-honest
 * parties follow the protocol anyway; the commitment keeps one side from biasing the seed
 * after seeing the other's share, should it deviate. The session id separates sessions.
 * The seed is public between the two parties (it drives joint randomness, never a secret mask
 * against the peer).
 *
 * Confirmation: without TLS a network attacker could alter a share in transit so that the two
 * parties derive different seeds and go on computing garbage (review finding 1.2). Each party
 * therefore sends a hash of the seed, domain-separated by its role so that reflecting a
 * party's own value back to it does not pass, and checks the peer's against its own seed. A
 * mismatch stops both sides with {@link JointSeedMismatchError} (exit code 1, like every peer
 * or transport failure). Everything the confirmation hashes crosses the wire in the clear, so
 * it catches accidental corruption and blind tampering only: an attacker who changes a share
 * can also recompute both confirmations. Against an active network attacker only TLS with
 * mutual authentication protects the link (and everything after the coin toss). The hash
 * reveals nothing new: the seed is already common to both parties.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { type Channel, ChannelError, recvBytes } from "./channel.ts";
import { concat } from "../core/bytes.ts";
import { randomBytes, SEED_BYTES } from "../core/prg.ts";

const LABEL_COMMIT = new TextEncoder().encode("pp-kmeans coin toss commit v1");
const LABEL_SEED = new TextEncoder().encode("pp-kmeans coin toss seed v1");
const LABEL_CONFIRM = new TextEncoder().encode("pp-kmeans confirm v1");
const COMMITMENT_BYTES = 32;
const CONFIRMATION_BYTES = 32;

/** The two parties ended the coin toss with different seeds (tampering or another protocol). */
export class JointSeedMismatchError extends ChannelError {
  /** Always the same one-line message; the seeds themselves are never printed. */
  constructor() {
    super(
      "joint seed mismatch: the connection was tampered with or the peer is not running this " +
        "protocol",
    );
    this.name = "JointSeedMismatchError";
  }
}

/**
 * Runs the coin toss and its confirmation; `random(n)` supplies this party's fresh bytes
 * (defaults to the OS CSPRNG; a test seed's PRG in deterministic runs). Resolves to the common
 * 16-byte seed; rejects with {@link JointSeedMismatchError} if the peer derived another one.
 */
export async function coinToss(
  channel: Channel,
  role: 0 | 1,
  sessionId: Uint8Array,
  random: (length: number) => Uint8Array = randomBytes,
): Promise<Uint8Array> {
  let s0: Uint8Array;
  let s1: Uint8Array;
  if (role === 0) {
    s0 = random(SEED_BYTES);
    const salt = random(SEED_BYTES);
    channel.send(sha256(concat(LABEL_COMMIT, sessionId, s0, salt)));
    await channel.flush();
    s1 = await recvBytes(channel, SEED_BYTES, "coin-toss share");
    channel.send(concat(s0, salt));
    await channel.flush();
  } else {
    const commitment = await recvBytes(channel, COMMITMENT_BYTES, "coin-toss commitment");
    s1 = random(SEED_BYTES);
    channel.send(s1.slice());
    await channel.flush();
    const opening = await recvBytes(channel, 2 * SEED_BYTES, "coin-toss opening");
    s0 = opening.subarray(0, SEED_BYTES);
    const expected = sha256(concat(LABEL_COMMIT, sessionId, s0, opening.subarray(SEED_BYTES)));
    if (!expected.every((byte, i) => byte === commitment[i])) {
      throw new ChannelError("peer's coin-toss opening does not match its commitment");
    }
  }
  const jointSeed = sha256(concat(LABEL_SEED, sessionId, s0, s1)).subarray(0, SEED_BYTES);
  await confirmJointSeed(channel, role, sessionId, jointSeed);
  return jointSeed;
}

/**
 * Both parties send H("confirm", sid, role, seed) and check the peer's value against their own
 * seed; rejects with {@link JointSeedMismatchError} on a difference. Each side sends before it
 * reads, so both detect a mismatch (neither waits on the other).
 */
export async function confirmJointSeed(
  channel: Channel,
  role: 0 | 1,
  sessionId: Uint8Array,
  jointSeed: Uint8Array,
): Promise<void> {
  const confirmation = (who: 0 | 1) =>
    sha256(concat(LABEL_CONFIRM, sessionId, Uint8Array.of(who), jointSeed));
  channel.send(confirmation(role));
  await channel.flush();
  const theirs = await recvBytes(channel, CONFIRMATION_BYTES, "joint seed confirmation");
  const expected = confirmation(role === 0 ? 1 : 0);
  let difference = 0;
  for (let i = 0; i < CONFIRMATION_BYTES; i++) difference |= theirs[i] ^ expected[i];
  if (difference !== 0) throw new JointSeedMismatchError();
}
