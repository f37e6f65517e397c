/**
 * The shapes of the OT-extension endpoints (libOTe / emp-ot style: a sender and a receiver
 * with mirrored methods, so a protocol reads top to bottom on both sides).
 *
 * Conventions shared by every method:
 * - `count` OTs per call; calls on the two sides must be made in the same order with the same
 *   public arguments (counts, widths, vector lengths), as with any two-party protocol.
 * - Choice bits are packed LSB-first: bit i is `(choices[i >> 3] >> (i & 7)) & 1`; the array
 *   has `ceil(count / 8)` bytes. When a receiver method takes `choices` as optional, omitting
 *   it draws them uniformly at random from the receiver's private PRG, and they are returned.
 * - 128-bit messages are 16-byte blocks, concatenated: message i is bytes [16i, 16i + 16).
 * - Ring values are elements of Z_2^64 in a `BigUint64Array`; a value "of width w" is reduced
 *   mod 2^w, i.e. its high 64 - w bits are zero.
 *
 * @module
 */

/** Output of a batch of random OTs on the sender's side. */
export interface RandomOtSenderOutput {
  /** count × 16 bytes: the message for choice 0. */
  m0: Uint8Array;
  /** count × 16 bytes: the message for choice 1. */
  m1: Uint8Array;
}

/** Output of a batch of random OTs on the receiver's side. */
export interface RandomOtReceiverOutput {
  /** Packed choice bits (see the module doc). */
  choices: Uint8Array;
  /** count × 16 bytes: message i is m_{choice_i} of the sender. */
  messages: Uint8Array;
}

/** Output of a batch of ring-correlated OTs on the receiver's side. */
export interface RingCotReceiverOutput {
  /** Packed choice bits. */
  choices: Uint8Array;
  /** count × vectorLength values: m0_i + choice_i · x_i (elementwise, mod 2^width_i). */
  values: BigUint64Array;
}

/**
 * Bit widths of ring-correlated OTs: one width for all, or one per OT. Widths are in [1, 64];
 * Gilboa's product uses width 64 − j for bit j of the multiplier.
 */
export type OtWidths = number | Uint8Array;

/** The IKNP extension sender (in IKNP it is the base-OT receiver). */
export interface OtExtensionSender {
  /**
   * `count` random OTs: two independent uniformly random 128-bit messages per OT, of which the
   * receiver learns exactly the one selected by its choice bit.
   */
  randomOt(count: number): Promise<RandomOtSenderOutput>;

  /**
   * `count` correlated OTs with the global correlation {@link delta}: returns m0 (count × 16
   * bytes); m1_i = m0_i ⊕ delta; the receiver gets m_{c_i}. These are the raw IKNP rows, not
   * hashed: every pair shares the one global delta, so they suit only constructions that
   * need that correlation (free-XOR-style garbling, or hashing by the caller). Bit triples
   * must NOT be cut from them (a0 would be a bit of delta in every triple); they use
   * {@link randomOt}.
   */
  correlatedOt(count: number): Promise<Uint8Array>;

  /** The global correlation Δ of {@link correlatedOt} (16 bytes; IKNP's s). */
  readonly delta: Uint8Array;

  /**
   * Ring-correlated OTs for Gilboa products and vector OLE. `correlations` holds
   * count × vectorLength values: OT i carries the vector x_i = correlations[i·L, (i+1)·L).
   * Returns the sender's m0 (count × L values, each reduced to OT i's width); the receiver gets
   * m0_i + c_i · x_i mod 2^{width_i}. Only the correction words (width bits per value) travel.
   */
  correlatedOtRing(
    correlations: BigUint64Array,
    vectorLength: number,
    widths: OtWidths,
  ): Promise<BigUint64Array>;

  /**
   * Sender half of the Gilboa fold: ring-correlated OTs folded into shares of a product. The
   * peer's receiver holds N scalars b_t, this party the vectors x_t (`vectors`, N × L
   * row-major). Per scalar, 64 − shift OTs: OT j chooses with bit j of b_t and carries x_t at
   * width 64 − shift − j. Returns this party's shares of 2^shift · b_t · x_t mod 2^64 (N × L),
   * −Σ_j 2^(j+shift)·m0_j. The messages are those of {@link correlatedOtRing} with those widths
   * (ot/ring_correlation.ts); an implementation may batch or fuse them differently, so both
   * parties must run the same implementation.
   */
  gilboaFold(vectors: BigUint64Array, vectorLength: number, shift: number): Promise<BigUint64Array>;

  /**
   * Chosen-message 1-out-of-2 OT: message i for choice b is bytes [i·len, (i+1)·len) of `mb`.
   */
  chosenOt(m0: Uint8Array, m1: Uint8Array, messageBytes: number): Promise<void>;
}

/** The IKNP extension receiver (in IKNP it is the base-OT sender). */
export interface OtExtensionReceiver {
  /** Mirror of {@link OtExtensionSender.randomOt}. */
  randomOt(count: number, choices?: Uint8Array): Promise<RandomOtReceiverOutput>;

  /** Mirror of {@link OtExtensionSender.correlatedOt}: messages are m0_i ⊕ c_i·Δ. */
  correlatedOt(count: number, choices?: Uint8Array): Promise<RandomOtReceiverOutput>;

  /** Mirror of {@link OtExtensionSender.correlatedOtRing}. */
  correlatedOtRing(
    count: number,
    vectorLength: number,
    widths: OtWidths,
    choices?: Uint8Array,
  ): Promise<RingCotReceiverOutput>;

  /**
   * Mirror of {@link OtExtensionSender.gilboaFold}: this party holds the N scalars b_t (bits
   * 0..63−shift are the choice bits) and gets its shares Σ_j 2^(j+shift)·(m0_j + b_{t,j}·x_t).
   */
  gilboaFold(scalars: BigUint64Array, vectorLength: number, shift: number): Promise<BigUint64Array>;

  /** Mirror of {@link OtExtensionSender.chosenOt}: returns count × messageBytes bytes. */
  chosenOt(choices: Uint8Array, count: number, messageBytes: number): Promise<Uint8Array>;
}

/** Both extension endpoints of one party: P0's sender talks to P1's receiver and vice versa. */
export interface OtEndpoints {
  /** This party acting as OT-extension sender. */
  sender: OtExtensionSender;
  /** This party acting as OT-extension receiver. */
  receiver: OtExtensionReceiver;
}
