/**
 * Diffie–Hellman private set intersection tags on ristretto255, for the vertical join of
 * secure k-means: Meadows 1986; Huberman, Franklin & Hogg, "Enhancing privacy and trust in
 * electronic communities", EC 1999.
 *
 * Party P with secret scalar a and IDs {u_i}; peer Q with scalar b and IDs {v_j}. H maps an ID
 * onto the group (RFC 9380 hash-to-curve for ristretto255, RFC 9496, with our own DST):
 *
 *     round 1: P sends a·H(u_i) in a random order (permutation π_P); Q likewise b·H(v_j) (π_Q)
 *     round 2: P returns a·(b·H(v_j)) in the order received; Q returns b·(a·H(u_i)) likewise
 *
 * Afterwards P knows the final tag ab·H(u_i) of each of its own rows (it undoes π_P) and the set
 * of Q's final tags in Q's random order, which it cannot link to Q's rows. Equal IDs give equal
 * tags. Both send at once, so the whole exchange is two rounds whatever the number of IDs.
 *
 * Security (semi-honest, DDH in the random-oracle model): each party learns the peer's item
 * count (public anyway), which of its own items are in the intersection, and the intersection
 * size; nothing about the peer's other IDs, nor the peer's file order (shuffled). The secret
 * scalar comes from the party's private PRG and never leaves it. An ID guess cannot be tested
 * offline: a tag needs both scalars.
 *
 * Validation of every received byte: frame lengths must be exactly count × 32; every point
 * must be a canonical ristretto255 encoding (noble's `fromBytes` rejects the rest) and not the
 * identity; points within one frame must be distinct (IDs are unique on each side, so
 * duplicates only come from a faulty or malicious peer). Anything else is a ChannelError.
 *
 * @module
 */

import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { type Channel, ChannelError, recvBytes } from "../party/channel.ts";
import type { Prg } from "../party/prg.ts";

/** Bytes of one encoded ristretto255 point (a blinded ID or a final tag). */
export const PSI_POINT_BYTES = 32;

const Point = ristretto255.Point;
type RistrettoPoint = InstanceType<typeof Point>;
const HASH_OPTIONS = { DST: "pp-kmeans vertical join DH-PSI v1: ID to ristretto255" };
const ENCODER = new TextEncoder();

/** What one party holds after {@link psiTags}. */
export interface PsiTags {
  /** Final tag of each own row, in own file order: ownCount × 32 bytes. */
  own: Uint8Array;
  /** The peer's final tags in the peer's random order: peerCount × 32 bytes. */
  peer: Uint8Array;
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
 * Runs the two-round DH-PSI exchange (see the module doc). `peerCount` is the peer's item count
 * as announced in the handshake; the frames must match it exactly. The scalar and the shuffle
 * come from `prg`, which must be this party's private PRG.
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
  // Round 2: the peer's blinded IDs under our scalar too, in the order received.
  const peer = encodeAll(theirs.map((point) => point.multiply(scalar)));
  channel.send(peer.slice());
  await channel.flush();
  const returned = await recvBytes(channel, ids.length * PSI_POINT_BYTES, "double-blinded IDs");
  decodePoints(returned, ids.length, "double-blinded IDs");
  const own = new Uint8Array(ids.length * PSI_POINT_BYTES);
  for (let i = 0; i < ids.length; i++) {
    own.set(
      returned.subarray(i * PSI_POINT_BYTES, (i + 1) * PSI_POINT_BYTES),
      perm[i] * PSI_POINT_BYTES,
    );
  }
  return { own, peer };
}
