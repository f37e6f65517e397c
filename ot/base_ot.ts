/**
 * Base oblivious transfer: the Chou–Orlandi "simplest OT" on ristretto255, batched.
 *
 * Chou, Orlandi, "The Simplest Protocol for Oblivious Transfer", Latincrypt 2015. For m OTs at
 * once the sender sends one point A = a·G; the receiver answers with B_i = b_i·G (choice 0) or
 * A + b_i·G (choice 1); keys are k_i = H(sid, dir, i, A, B_i, b_i·A) for the receiver and
 * k_i^0 = H(.., a·B_i), k_i^1 = H(.., a·B_i − a·A) for the sender. Two messages for any m.
 *
 * The key derivation hashes the session id, a direction tag, the OT index and the transcript
 * (A, B_i) together with the shared point. This closes the gaps found in the original proof
 * (Genç, Iovino, Rial, "The Simplest Protocol for OT is not fully simulatable", ePrint 2017/688;
 * Hauck, Loss, "Efficient and universally composable protocols for OT from the CDH assumption",
 * ePrint 2017/1011): with the transcript in the hash, keys of different OTs and sessions are
 * independent random-oracle outputs.
 *
 * Security assumptions: computational Diffie–Hellman in ristretto255 (a prime-order group, so
 * no cofactor or small-subgroup issues), SHA-256 modelled as a random oracle, static
 * semi-honest adversaries. Every peer point is decoded canonically (RFC 9496) and the identity
 * is rejected; a peer that sends anything else gets a {@link BaseOtError}, never a hang.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { ristretto255 } from "@noble/curves/ed25519.js";
import { PeerError } from "../core/errors.ts";
import type { Prg } from "../core/prg.ts";

type Point = InstanceType<typeof ristretto255.Point>;
const Point = ristretto255.Point;
const GROUP_ORDER: bigint = Point.Fn.ORDER;

/** Bytes of an encoded ristretto255 point. */
export const POINT_BYTES = 32;

/** Bytes of each derived base-OT key (an AES-128 seed). */
export const BASE_OT_KEY_BYTES = 16;

const DOMAIN = new TextEncoder().encode("pp-kmeans/chou-orlandi-ot/v1");

/** A peer sent an invalid base-OT message (bad length, bad encoding, identity point). */
export class BaseOtError extends PeerError {
  /** A base-OT protocol error; `message` names the offending peer value. */
  constructor(message: string) {
    super(message);
    this.name = "BaseOtError";
  }
}

/**
 * Decodes a ristretto255 point sent by the peer, rejecting non-canonical encodings and the
 * identity (which would make the shared point, hence the keys, predictable).
 */
export function decodePeerPoint(bytes: Uint8Array, what: string): RistrettoPoint {
  return decodePoint(bytes, what);
}

/**
 * The public view of a decoded ristretto255 element. The group arithmetic stays inside this
 * module, on noble-curves' point class, so the public API does not expose that class.
 */
export interface RistrettoPoint {
  /** The canonical 32-byte encoding (RFC 9496). */
  toBytes(): Uint8Array;
  /** Whether this is the identity element. */
  is0(): boolean;
  /** Group-element equality (RFC 9496), independent of the internal representative. */
  equals(other: RistrettoPoint): boolean;
}

/** {@link decodePeerPoint} with noble's point type, for the group arithmetic below. */
function decodePoint(bytes: Uint8Array, what: string): Point {
  if (bytes.length !== POINT_BYTES) {
    throw new BaseOtError(`base OT: ${what} has ${bytes.length} bytes, expected ${POINT_BYTES}`);
  }
  let point: Point;
  try {
    point = Point.fromBytes(bytes);
  } catch {
    throw new BaseOtError(`base OT: ${what} is not a valid ristretto255 encoding`);
  }
  if (point.is0()) throw new BaseOtError(`base OT: ${what} is the identity point`);
  return point;
}

/** A uniformly random non-zero scalar (64 PRG bytes reduced mod q: bias below 2^-250). */
function randomScalar(prg: Prg): bigint {
  for (;;) {
    const bytes = prg.bytes(64);
    let value = 0n;
    for (let i = 63; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
    value %= GROUP_ORDER;
    if (value !== 0n) return value;
  }
}

/** Key derivation: H(domain, sid, direction, i, A, B_i, shared point), truncated to 16 bytes. */
function deriveKey(
  sessionId: Uint8Array,
  direction: number,
  index: number,
  senderPoint: Uint8Array,
  receiverPoint: Uint8Array,
  shared: Point,
  out: Uint8Array,
): void {
  const header = new Uint8Array(4 + 1 + 4);
  const view = new DataView(header.buffer);
  view.setUint32(0, sessionId.length, true);
  header[4] = direction;
  view.setUint32(5, index, true);
  const digest = createHash("sha256")
    .update(DOMAIN)
    .update(header.subarray(0, 4))
    .update(sessionId)
    .update(header.subarray(4))
    .update(senderPoint)
    .update(receiverPoint)
    .update(shared.toBytes())
    .digest();
  out.set(digest.subarray(0, BASE_OT_KEY_BYTES));
}

/** The base-OT sender's secret state between its two steps. */
export interface BaseOtSenderState {
  /** Secret scalar a. */
  readonly a: bigint;
  /** Encoded A = a·G: the sender's only message. */
  readonly message: Uint8Array;
}

/** Step 1 of the sender: draws a and returns the state whose `message` (A) goes to the peer. */
export function baseOtSenderStart(prg: Prg): BaseOtSenderState {
  const a = randomScalar(prg);
  return { a, message: Point.BASE.multiply(a).toBytes() };
}

/** Base-OT keys of the receiver: count × 16 bytes, key i = k_i^{c_i}. */
export interface BaseOtReceiverResult {
  /** count × 32 bytes: the encoded B_i, to send to the sender. */
  message: Uint8Array;
  /** count × 16 bytes: the chosen keys. */
  keys: Uint8Array;
}

/**
 * The receiver's only step: from the sender's A and packed choice bits (LSB-first), computes the
 * points B_i to send back and the chosen keys. `direction` must equal the sender's.
 */
export function baseOtReceive(
  prg: Prg,
  sessionId: Uint8Array,
  direction: number,
  senderMessage: Uint8Array,
  choices: Uint8Array,
  count: number,
): BaseOtReceiverResult {
  if (choices.length * 8 < count) throw new RangeError("base OT: too few choice bits");
  const pointA = decodePoint(senderMessage, "sender point A");
  // A is used in 2·count multiplications: a precomputed window table pays for itself.
  pointA.precompute(4, false);
  const message = new Uint8Array(count * POINT_BYTES);
  const keys = new Uint8Array(count * BASE_OT_KEY_BYTES);
  for (let i = 0; i < count; i++) {
    const b = randomScalar(prg);
    const bG = Point.BASE.multiply(b);
    const choice = (choices[i >> 3] >> (i & 7)) & 1;
    const encodedB = (choice ? pointA.add(bG) : bG).toBytes();
    message.set(encodedB, i * POINT_BYTES);
    deriveKey(
      sessionId,
      direction,
      i,
      senderMessage,
      encodedB,
      pointA.multiply(b),
      keys.subarray(i * BASE_OT_KEY_BYTES, (i + 1) * BASE_OT_KEY_BYTES),
    );
  }
  return { message, keys };
}

/** Base-OT keys of the sender: both keys of every OT. */
export interface BaseOtSenderResult {
  /** count × 16 bytes: keys for choice 0. */
  keys0: Uint8Array;
  /** count × 16 bytes: keys for choice 1. */
  keys1: Uint8Array;
}

/**
 * Step 2 of the sender: from the receiver's count × 32-byte message of points B_i, derives
 * both keys of every OT. Throws {@link BaseOtError} on a malformed message.
 */
export function baseOtSenderFinish(
  state: BaseOtSenderState,
  sessionId: Uint8Array,
  direction: number,
  receiverMessage: Uint8Array,
  count: number,
): BaseOtSenderResult {
  if (receiverMessage.length !== count * POINT_BYTES) {
    throw new BaseOtError(
      `base OT: receiver message has ${receiverMessage.length} bytes, expected ${
        count * POINT_BYTES
      }`,
    );
  }
  const pointT = Point.BASE.multiply(state.a).multiply(state.a); // T = a·A
  const keys0 = new Uint8Array(count * BASE_OT_KEY_BYTES);
  const keys1 = new Uint8Array(count * BASE_OT_KEY_BYTES);
  for (let i = 0; i < count; i++) {
    const encodedB = receiverMessage.subarray(i * POINT_BYTES, (i + 1) * POINT_BYTES);
    const pointB = decodePoint(encodedB, `receiver point B_${i}`);
    const shared = pointB.multiply(state.a);
    const slot = [i * BASE_OT_KEY_BYTES, (i + 1) * BASE_OT_KEY_BYTES] as const;
    deriveKey(sessionId, direction, i, state.message, encodedB, shared, keys0.subarray(...slot));
    deriveKey(
      sessionId,
      direction,
      i,
      state.message,
      encodedB,
      shared.subtract(pointT),
      keys1.subarray(...slot),
    );
  }
  return { keys0, keys1 };
}
