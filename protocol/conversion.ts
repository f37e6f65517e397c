/**
 * Conversions between XOR-shared bits and Z_2^64 arithmetic shares, all from ring-correlated
 * OT (ot.correlatedOtRing, width 64):
 *
 * - {@link bitTimesOwnerValues}: shares of b_i · x_i where b_i = b0_i xor b1_i is XOR-shared and
 *   the vector x_i is known to one party (the owner). Since b0 xor b1 = b_o + b_n − 2 b_o b_n,
 *   b · x = b_o · x + b_n · x (1 − 2 b_o): the owner is OT sender with correlation
 *   x_i (1 − 2 b_o,i), the other party receiver with choice b_n,i. One COT per i, whatever the
 *   vector length (the correlation is a whole vector, as in vector OLE).
 * - {@link bitToArithmetic} (B2A): the owner case with x = 1 (docs/PROTOCOLS.md, "B2A of a
 *   bit"); one COT per bit.
 * - {@link bitTimesShared} / {@link multiplex}: b · y for a shared y, the multiplexer of
 *   CrypTFlow2 (Rathee et al., CCS 2020): one owner product per share of y, one COT in each
 *   direction. Cheaper than B2A followed by a Beaver multiplication (which also needs a triple).
 *
 * Cost per bit, IKNP: 16 bytes (u matrix) + 8 bytes per vector element (64-bit corrections);
 * rounds: P1 counts 1 (one direction) or 2 (both), P0 counts 1.
 *
 * Revealed: nothing; the correction words are one-time padded by the OT hash outputs.
 * Security: semi-honest; inherits the OT extension's assumptions.
 *
 * @module
 */

import { checkCount } from "../core/validate.ts";
import { checkLength } from "../ot/ring_correlation.ts";
import type { MpcContext, Role } from "./context.ts";

function checkBitCount(count: number, bits: Uint32Array): void {
  checkCount(count, "bit count");
  if (bits.length * 32 < count) {
    throw new RangeError(`bit count ${count} does not fit ${bits.length} words of bits`);
  }
}

function choiceBytes(bits: Uint32Array, count: number): Uint8Array {
  return new Uint8Array(bits.buffer, bits.byteOffset, Math.ceil(count / 8));
}

/**
 * Arithmetic shares of b_i · x_i (i < count): `bits` are this party's XOR shares of b (packed,
 * see protocol/binary.ts); `values` (count × vectorLength, row i = x_i) are given by the owner
 * and `null` on the other side. Returns count × vectorLength shares, row-major.
 */
export async function bitTimesOwnerValues(
  ctx: MpcContext,
  bits: Uint32Array,
  owner: Role,
  values: BigUint64Array | null,
  vectorLength: number,
  count: number,
): Promise<BigUint64Array> {
  checkBitCount(count, bits);
  checkLength(vectorLength, "vector length");
  if (count === 0) return new BigUint64Array(0);
  if (ctx.role !== owner) {
    if (values !== null) throw new Error("bitTimesOwnerValues: only the owner passes values");
    const { values: out } = await ctx.ot.receiver.correlatedOtRing(
      count,
      vectorLength,
      64,
      choiceBytes(bits, count),
    );
    return out;
  }
  if (values === null || values.length !== count * vectorLength) {
    throw new RangeError(`bitTimesOwnerValues: owner must pass ${count} × ${vectorLength} values`);
  }
  const correlations = new BigUint64Array(values.length);
  for (let i = 0; i < count; i++) {
    const flip = (bits[i >>> 5] >>> (i & 31)) & 1;
    const row = i * vectorLength;
    if (flip) { for (let v = row; v < row + vectorLength; v++) correlations[v] = -values[v]; }
    else correlations.set(values.subarray(row, row + vectorLength), row);
  }
  const m0 = await ctx.ot.sender.correlatedOtRing(correlations, vectorLength, 64);
  const out = new BigUint64Array(values.length);
  for (let i = 0; i < count; i++) {
    const own = (bits[i >>> 5] >>> (i & 31)) & 1;
    const row = i * vectorLength;
    if (own) { for (let v = row; v < row + vectorLength; v++) out[v] = values[v] - m0[v]; }
    else for (let v = row; v < row + vectorLength; v++) out[v] = -m0[v];
  }
  return out;
}

/** B2A: arithmetic shares (mod 2^64) of `count` XOR-shared bits; one COT per bit. */
export function bitToArithmetic(
  ctx: MpcContext,
  bits: Uint32Array,
  count: number,
): Promise<BigUint64Array> {
  const ones = ctx.role === 0 ? new BigUint64Array(count).fill(1n) : null;
  return bitTimesOwnerValues(ctx, bits, 0, ones, 1, count);
}

/**
 * Shares of b_i · y_i for XOR-shared bits b and arithmetic-shared vectors y (count ×
 * vectorLength, row-major): two owner products, one per share of y, P0's first.
 */
export async function bitTimesShared(
  ctx: MpcContext,
  bits: Uint32Array,
  values: BigUint64Array,
  vectorLength: number,
  count: number,
): Promise<BigUint64Array> {
  const mine = ctx.role;
  const first = await bitTimesOwnerValues(
    ctx,
    bits,
    0,
    mine === 0 ? values : null,
    vectorLength,
    count,
  );
  const second = await bitTimesOwnerValues(
    ctx,
    bits,
    1,
    mine === 1 ? values : null,
    vectorLength,
    count,
  );
  for (let i = 0; i < first.length; i++) first[i] += second[i];
  return first;
}

/** Multiplexer: shares of s_i ? y_i : x_i, i.e. x + s · (y − x), for shared x, y, <s>. */
export async function multiplex(
  ctx: MpcContext,
  select: Uint32Array,
  x: BigUint64Array,
  y: BigUint64Array,
): Promise<BigUint64Array> {
  if (x.length !== y.length) throw new RangeError(`multiplex: ${x.length} vs ${y.length} values`);
  const diff = new BigUint64Array(x.length);
  for (let i = 0; i < x.length; i++) diff[i] = y[i] - x[i];
  const product = await bitTimesShared(ctx, select, diff, 1, x.length);
  for (let i = 0; i < x.length; i++) product[i] += x[i];
  return product;
}
