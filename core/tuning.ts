/**
 * The one tuning file: chunk sizes, buffer sizes, frame limits and time limits of every layer.
 * The modules that use a value import it from here (and may re-export it under their own
 * name), so a change of batching is made, and reviewed, in one place.
 *
 * Chunk sizes trade memory for per-call overhead; none of them changes what a protocol
 * computes or reveals. Values that BOTH parties must use identically (they shape the frames on
 * the wire) are marked "wire": changing one changes the transcript and needs both sides
 * upgraded together.
 *
 * @module
 */

/** OT extension: random/correlated OTs per chunk (one u-matrix frame of 128 × chunk bits). Wire. */
export const OT_CHUNK_OTS = 1 << 16;

/**
 * OT extension: full chunk of ring-correlated OTs. Larger than {@link OT_CHUNK_OTS} because each
 * chunk costs a fixed number of AES calls, and the ramped schedule keeps the pipeline fill and
 * drain short anyway. Wire.
 */
export const OT_RING_CHUNK_OTS = 1 << 17;

/** OT extension: smallest chunk of a ramped chunk schedule. Wire. */
export const OT_RAMP_MIN_OTS = 16384;

/** OT extension: bytes of hashed pad/message data per chunk for vector-valued OTs. Wire. */
export const OT_CHUNK_PAD_BYTES = 1 << 22;

/** OT extension: chunks whose answers the receiver may await while it sends the next one. */
export const OT_ANSWER_LOOKAHEAD = 2;

/** Preprocessing: Beaver triples / square pairs generated per chunk. Wire. */
export const PREPROCESSING_CHUNK_ITEMS = 8192;

/** Comparison: values compared per batch (bounds memory). Wire. */
export const COMPARISON_BATCH = 1 << 14;

/** PRG: AES blocks encrypted per cipher call. */
export const PRG_CHUNK_BLOCKS = 4096;

/** Fixed-key AES hash: blocks hashed per cipher call. */
export const HASH_CHUNK_BLOCKS = 8192;

/** Channel: largest frame accepted or sent by default. */
export const MAX_FRAME_BYTES = 256 << 20;

/** Channel: bytes of received, unconsumed frames before the reader pauses. */
export const RECEIVE_BUFFER_BYTES = 256 << 20;

/** Channel: read size of a node:tls socket stream. */
export const NODE_READ_BUFFER_BYTES = 4 << 20;

/** Channel: frames up to this size are copied into a coalesced write. */
export const SMALL_FRAME_BYTES = 64 << 10;

/** Channel: a coalesced write is flushed once it holds this many bytes. */
export const WRITE_BATCH_BYTES = 256 << 10;

/** Channel: largest single write handed to the socket. */
export const WRITE_SLICE_BYTES = 8 << 20;

/** Handshake: largest hello frame (also the frame limit until the coin toss is done). */
export const MAX_HELLO_BYTES = 1 << 20;

/** Session: how long to wait for the peer to connect or accept, milliseconds. */
export const CONNECT_TIMEOUT_MS = 60_000;

/** Session: silence tolerated during handshake and coin toss, milliseconds. */
export const HANDSHAKE_IDLE_MS = 15_000;

/** Session: silence tolerated afterwards (idle read, stalled write), milliseconds. */
export const IDLE_TIMEOUT_MS = 120_000;

/** Secure k-means: Lloyd iterations whose correlations are generated in the offline phase. */
export const PLANNED_ITERATIONS = 20;

/** Secure k-means: memory budget n·k·(d+1) of one job, in 64-bit cells. */
export const MAX_JOB_CELLS = 2 ** 24;
