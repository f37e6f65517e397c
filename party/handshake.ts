/**
 * The session handshake: both parties check they run the same protocol version with different
 * roles and identical public job parameters, and derive a common session id.
 *
 * Each side sends one hello frame, then reads the peer's (so neither waits on the other):
 *
 *     8 bytes  magic "PPKMHELO"
 *     2 bytes  protocol version (little-endian)
 *     rest     UTF-8 JSON { role, nonce, params, facts }
 *
 * `params` are the public parameters of the job that must be equal on both sides (feature
 * names, k, iterations, ring and fractional bits, reveal mode, partition, ...); `facts` are
 * this party's own public facts that the peer needs but need not match (its row count, say).
 * Every mismatch (version, role, any parameter) is reported on BOTH sides, naming the
 * parameter, as a {@link HandshakeError} (exit code 2); bytes that are not a hello are a
 * {@link ChannelError}.
 *
 * Session id: SHA-256 over a domain label and both hello frames (party 0's first), truncated
 * to 16 bytes. Each hello carries a fresh 16-byte nonce, so the id is unique per session and
 * binds every agreed parameter; protocols use it for domain separation (base OT, coin toss).
 *
 * Security: everything in a hello is public by definition; never put data or seeds in it.
 *
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { type Channel, ChannelError } from "./channel.ts";
import { InputError } from "../core/errors.ts";
import { concat, toHex } from "../core/bytes.ts";
import { MAX_HELLO_BYTES as HELLO_LIMIT } from "../core/tuning.ts";
import type { JsonValue } from "../core/json.ts";

/**
 * Version of the wire protocol and the hello format; bumped on incompatible changes
 * (2: the coin toss ends with a joint-seed confirmation frame in each direction).
 */
export const PROTOCOL_VERSION = 2;

/** The magic that starts a hello frame. */
export const HELLO_MAGIC: Uint8Array = new TextEncoder().encode("PPKMHELO");

/** Bytes of the session id. */
export const SESSION_ID_BYTES = 16;

/**
 * Largest hello frame accepted (parameters are small; this bounds JSON parsing). The session
 * also uses it as the channel's frame limit until the handshake and coin toss are done.
 */
export const MAX_HELLO_BYTES: number = HELLO_LIMIT;

/** What one party brings to the handshake. */
export interface HandshakeOptions {
  /** This party's role; the peer must hold the other one. */
  role: 0 | 1;
  /** Public job parameters that must be identical on both sides. */
  params: Record<string, JsonValue>;
  /** This party's public facts, passed to the peer unchecked. */
  facts?: Record<string, JsonValue>;
  /** 16 fresh random bytes (a test seed's PRG in deterministic runs). */
  nonce: Uint8Array;
}

/** What the handshake establishes. */
export interface HandshakeResult {
  /** The common 16-byte session id. */
  sessionId: Uint8Array;
  /** The peer's public facts. */
  peerFacts: Record<string, JsonValue>;
}

/** The two parties disagree (version, roles or job parameters); exit code 2. */
export class HandshakeError extends InputError {
  /** A mismatch described in one line. */
  constructor(message: string) {
    super(message);
    this.name = "HandshakeError";
  }
}

interface Hello {
  role: 0 | 1;
  nonce: string;
  params: Record<string, JsonValue>;
  facts: Record<string, JsonValue>;
}

/** Runs the handshake on a fresh channel; see the module doc. */
export async function handshake(
  channel: Channel,
  options: HandshakeOptions,
): Promise<HandshakeResult> {
  if (options.nonce.length !== 16) throw new RangeError("handshake nonce must be 16 bytes");
  const mine: Hello = {
    role: options.role,
    nonce: toHex(options.nonce),
    params: options.params,
    facts: options.facts ?? {},
  };
  const myFrame = encodeHello(mine);
  channel.send(myFrame.slice());
  await channel.flush();
  const peerFrame = await channel.recv();
  const peer = decodeHello(peerFrame);
  if (peer.role === options.role) {
    throw new HandshakeError(
      `both parties were started with role ${options.role}: one must be --role 0, the other --role 1`,
    );
  }
  const differences = compareParams(mine.params, peer.params);
  if (differences.length > 0) {
    throw new HandshakeError(`job parameters differ from the peer's: ${differences.join("; ")}`);
  }
  const [first, second] = options.role === 0 ? [myFrame, peerFrame] : [peerFrame, myFrame];
  const sessionId = sha256(concat(LABEL_SESSION_ID, lengthPrefixed(first), lengthPrefixed(second)))
    .subarray(0, SESSION_ID_BYTES);
  return { sessionId, peerFacts: peer.facts };
}

/** Names every parameter whose value differs or that only one side has, with both values. */
export function compareParams(
  mine: Record<string, JsonValue>,
  theirs: Record<string, JsonValue>,
): string[] {
  const differences: string[] = [];
  for (const key of Object.keys(mine)) {
    if (!Object.hasOwn(theirs, key)) {
      differences.push(`${JSON.stringify(key)} is missing on the peer`);
    } else if (canonicalJson(mine[key]) !== canonicalJson(theirs[key])) {
      differences.push(
        `${JSON.stringify(key)} is ${brief(mine[key])} here but ${brief(theirs[key])} at the peer`,
      );
    }
  }
  for (const key of Object.keys(theirs)) {
    if (!Object.hasOwn(mine, key)) differences.push(`${JSON.stringify(key)} is missing here`);
  }
  return differences;
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
}

const LABEL_SESSION_ID = new TextEncoder().encode("pp-kmeans session id v1");

function brief(value: JsonValue): string {
  const text = canonicalJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function encodeHello(hello: Hello): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(hello));
  const frame = new Uint8Array(HELLO_MAGIC.length + 2 + json.length);
  frame.set(HELLO_MAGIC);
  new DataView(frame.buffer).setUint16(HELLO_MAGIC.length, PROTOCOL_VERSION, true);
  frame.set(json, HELLO_MAGIC.length + 2);
  if (frame.length > MAX_HELLO_BYTES) throw new RangeError("job parameters too large for a hello");
  return frame;
}

function decodeHello(frame: Uint8Array): Hello {
  const head = HELLO_MAGIC.length + 2;
  if (frame.length < head || !HELLO_MAGIC.every((byte, i) => frame[i] === byte)) {
    throw new ChannelError("peer's first message is not a handshake (bad magic)");
  }
  if (frame.length > MAX_HELLO_BYTES) {
    throw new ChannelError(`peer's handshake is too large (${frame.length} bytes)`);
  }
  const version = new DataView(frame.buffer, frame.byteOffset).getUint16(HELLO_MAGIC.length, true);
  if (version !== PROTOCOL_VERSION) {
    throw new HandshakeError(
      `protocol version differs: this party speaks version ${PROTOCOL_VERSION}, the peer ${version}`,
    );
  }
  let hello: unknown;
  try {
    hello = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(frame.subarray(head)));
  } catch {
    throw new ChannelError("peer's handshake is not valid UTF-8 JSON");
  }
  const h = hello as Partial<Hello> | null;
  if (
    !h || typeof h !== "object" || (h.role !== 0 && h.role !== 1) ||
    typeof h.nonce !== "string" || !/^[0-9a-f]{32}$/.test(h.nonce) ||
    !isPlainObject(h.params) || !isPlainObject(h.facts)
  ) {
    throw new ChannelError("peer's handshake is malformed");
  }
  return h as Hello;
}

function isPlainObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, true);
  out.set(bytes, 4);
  return out;
}
