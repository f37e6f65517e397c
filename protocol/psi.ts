/**
 * Diffie–Hellman private set intersection tags on ristretto255, for the vertical join of
 * secure k-means: Meadows 1986; Huberman, Franklin & Hogg, "Enhancing privacy and trust in
 * electronic communities", EC 1999.
 *
 * Party P with secret scalar a and IDs {u_i}; peer Q with scalar b and IDs {v_j}. H maps an ID
 * onto the group (RFC 9380 hash-to-curve for ristretto255, RFC 9496, with our own DST):
 *
 *     round 1: P sends a·H(u_i) in a random order (permutation π_P); Q likewise b·H(v_j) (π_Q)
 *     round 2: P returns a·(b·H(v_j)) in a FRESH random order σ_P; Q returns b·(a·H(u_i)) in σ_Q
 *     round 3 (only if both ID sets are equal): P sends σ_P, Q sends σ_Q
 *
 * After round 2, P holds the set of its own final tags ab·H(u_i) (in Q's fresh order σ_Q, so it
 * cannot tell which tag belongs to which of its rows) and the set of Q's final tags (in Q's
 * order π_Q, unlinkable to Q's rows). Comparing the two sets gives the intersection size and
 * nothing else. Only when the sets are equal — every ID on both sides matches, so there is
 * nothing left to hide — do the parties send their shuffles, and each maps its final tags back
 * to its own rows (equal IDs give equal tags). Both parties compute the same intersection size,
 * so they take the same branch without a further message. Rounds: 2, plus 1 when the join
 * succeeds; both parties send at once in each.
 *
 * Security (semi-honest, DDH in the random-oracle model): each party learns the peer's item
 * count (public anyway) and the intersection size; when the sets differ, not which of its own
 * items are missing at the peer (σ hides that), and never anything about the peer's other IDs
 * or the peer's file order. The secret scalar and the shuffles come from the party's private
 * PRG; the scalar never leaves it. An ID guess cannot be tested offline: a tag needs both
 * scalars.
 *
 * Validation of every received byte: frame lengths must be exactly count × 32; every point
 * must be a canonical ristretto255 encoding (noble's `fromBytes` rejects the rest) and not the
 * identity; points within one frame must be distinct (IDs are unique on each side, so
 * duplicates only come from a faulty or malicious peer). Anything else is a ChannelError.
 *
 * @module
 */

import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { type Channel, ChannelError, recvBytes, recvU32 } from "../party/channel.ts";
import type { Prg } from "../core/prg.ts";

/** Bytes of one encoded ristretto255 point (a blinded ID or a final tag). */
export const PSI_POINT_BYTES = 32;

const Point = ristretto255.Point;
type RistrettoPoint = InstanceType<typeof Point>;
const HASH_OPTIONS = { DST: "pp-kmeans vertical join DH-PSI v1: ID to ristretto255" };
const ENCODER = new TextEncoder();

/** What one party holds after {@link psiTags}. */
export interface PsiTags {
  /** Size of the intersection of the two ID sets (equal on both sides). */
  matched: number;
  /**
   * Final tag of each own row, in own file order (ownCount × 32 bytes), or null when the ID
   * sets differ (the shuffles are then never sent, so the rows stay unlinked).
   */
  own: Uint8Array | null;
}

/** A uniform non-zero scalar mod the group order, from 64 bytes of the private PRG. */
export function psiScalar(prg: Prg): bigint {
  for (;;) {
    const bytes = prg.bytes(64);
    let value = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
    const scalar = Point.Fn.create(value);
    if (scalar !== 0n) return scalar;
  }
}

/** The ID hashed onto ristretto255 (random-oracle model). */
export function hashId(id: string): RistrettoPoint {
  return ristretto255_hasher.hashToCurve(ENCODER.encode(id), HASH_OPTIONS) as RistrettoPoint;
}

/**
 * Decodes `count` points from `bytes`, refusing non-canonical encodings, the identity and
 * repeated points with a one-line {@link ChannelError} naming `what`.
 */
export function decodePoints(bytes: Uint8Array, count: number, what: string): RistrettoPoint[] {
  if (bytes.length !== count * PSI_POINT_BYTES) {
    throw new ChannelError(
      `peer sent ${bytes.length} bytes of ${what}, expected ${count * PSI_POINT_BYTES}`,
    );
  }
  const seen = new Set<string>();
  const points: RistrettoPoint[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const encoded = bytes.subarray(i * PSI_POINT_BYTES, (i + 1) * PSI_POINT_BYTES);
    let point: RistrettoPoint;
    try {
      point = Point.fromBytes(encoded);
    } catch {
      throw new ChannelError(`peer sent an invalid ristretto255 point in ${what}`);
    }
    if (point.is0()) throw new ChannelError(`peer sent the identity point in ${what}`);
    const key = tagKey(bytes, i);
    if (seen.has(key)) throw new ChannelError(`peer sent a repeated point in ${what}`);
    seen.add(key);
    points[i] = point;
  }
  return points;
}

/** The 32 bytes of tag `i` of `tags` as a string key (latin1: string order = byte order). */
export function tagKey(tags: Uint8Array, i: number): string {
  return String.fromCharCode(...tags.subarray(i * PSI_POINT_BYTES, (i + 1) * PSI_POINT_BYTES));
}

/** A uniform random permutation of [0, n) (Fisher–Yates with the private PRG). */
function randomPermutation(n: number, prg: Prg): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = prg.uniformInt(i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}

function encodeAll(points: RistrettoPoint[]): Uint8Array {
  const out = new Uint8Array(points.length * PSI_POINT_BYTES);
  for (let i = 0; i < points.length; i++) out.set(points[i].toBytes(), i * PSI_POINT_BYTES);
  return out;
}

/**
 * Runs the DH-PSI exchange (see the module doc). `peerCount` is the peer's item count as
 * announced in the handshake; the frames must match it exactly. The scalar and the shuffles
 * come from `prg`, this party's private PRG.
 */
export async function psiTags(
  channel: Channel,
  ids: readonly string[],
  peerCount: number,
  prg: Prg,
): Promise<PsiTags> {
  const scalar = psiScalar(prg);
  const perm = randomPermutation(ids.length, prg);
  // Round 1: our blinded IDs, shuffled so that the peer learns nothing from their order.
  channel.send(encodeAll(Array.from(perm, (row) => hashId(ids[row]).multiply(scalar))));
  await channel.flush();
  const theirs = decodePoints(
    await recvBytes(channel, peerCount * PSI_POINT_BYTES, "blinded IDs"),
    peerCount,
    "blinded IDs",
  );
  // Round 2: the peer's blinded IDs under our scalar too, re-shuffled (σ) so that the peer
  // cannot link the returned tags to its rows unless we later send σ.
  const sigma = randomPermutation(peerCount, prg);
  const peerTags = encodeAll(theirs.map((point) => point.multiply(scalar)));
  const shuffled = new Uint8Array(peerTags.length);
  for (let j = 0; j < peerCount; j++) {
    shuffled.set(
      peerTags.subarray(sigma[j] * PSI_POINT_BYTES, (sigma[j] + 1) * PSI_POINT_BYTES),
      j * PSI_POINT_BYTES,
    );
  }
  channel.send(shuffled);
  await channel.flush();
  const returned = await recvBytes(channel, ids.length * PSI_POINT_BYTES, "double-blinded IDs");
  decodePoints(returned, ids.length, "double-blinded IDs");
  const peerSet = new Set<string>();
  for (let j = 0; j < peerCount; j++) peerSet.add(tagKey(peerTags, j));
  let matched = 0;
  for (let i = 0; i < ids.length; i++) if (peerSet.has(tagKey(returned, i))) matched++;
  if (matched !== ids.length || matched !== peerCount) return { matched, own: null };
  // Round 3, equal sets only: exchange the shuffles; returned[j] is the tag of our row
  // perm[peerSigma[j]].
  channel.send(new Uint8Array(Uint32Array.from(sigma).buffer));
  await channel.flush();
  const peerSigma = await recvU32(channel, ids.length, "PSI shuffle");
  const seen = new Uint8Array(ids.length);
  for (const position of peerSigma) {
    if (position >= ids.length || seen[position]) {
      throw new ChannelError("peer sent a PSI shuffle that is not a permutation");
    }
    seen[position] = 1;
  }
  const own = new Uint8Array(ids.length * PSI_POINT_BYTES);
  for (let j = 0; j < ids.length; j++) {
    own.set(
      returned.subarray(j * PSI_POINT_BYTES, (j + 1) * PSI_POINT_BYTES),
      perm[peerSigma[j]] * PSI_POINT_BYTES,
    );
  }
  return { matched, own };
}
