/**
 * One-time OT setup between the two parties: 128 Chou–Orlandi base OTs in each direction,
 * batched into two symmetric flights, then IKNP endpoints in both directions.
 *
 * Party p is the base-OT sender towards its own IKNP receiver and the base-OT receiver (with
 * choice string s = its IKNP Δ) towards its own IKNP sender. Both parties send their A in flight
 * 1 and their 128 points B_i in flight 2, so the setup costs two flights (one round each way)
 * whatever the roles. The direction tag hashed into the base-OT keys is the role of the
 * base-OT sender, so the two directions' keys are domain separated.
 *
 * Security: as ot/base_ot.ts (CDH in ristretto255, random oracle) and ot/iknp.ts (AES PRF,
 * correlation-robust hash), static semi-honest. Δ and the keys never leave the party.
 *
 * @module
 */

import { type Channel, inPhase } from "../party/channel.ts";
import type { Prg } from "../core/prg.ts";
import { baseOtReceive, baseOtSenderFinish, baseOtSenderStart, POINT_BYTES } from "./base_ot.ts";
import { type IknpOptions, IknpReceiver, IknpSender, KAPPA } from "./iknp.ts";
import type { OtEndpoints } from "./types.ts";
import { recvBytes } from "../party/channel.ts";

/** The concrete endpoints returned by {@link setupOtEndpoints} (with the streaming methods). */
export interface IknpEndpoints extends OtEndpoints {
  /** This party as IKNP sender (pairs with the peer's receiver). */
  sender: IknpSender;
  /** This party as IKNP receiver (pairs with the peer's sender). */
  receiver: IknpReceiver;
}

/**
 * Runs the base OTs in both directions (traffic labelled `base-ot`) and returns this party's
 * IKNP sender and receiver. Both parties must call it with the same `sessionId` and opposite
 * roles. Throws {@link ChannelError} or {@link BaseOtError} on a bad peer message.
 */
export async function setupOtEndpoints(
  channel: Channel,
  role: 0 | 1,
  prg: Prg,
  sessionId: Uint8Array,
  options: IknpOptions = {},
): Promise<IknpEndpoints> {
  if (role !== 0 && role !== 1) throw new RangeError(`role must be 0 or 1, got ${role}`);
  return await inPhase(channel, "base-ot", async () => {
    const asSender = baseOtSenderStart(prg);
    const delta = prg.bytes(KAPPA / 8);
    channel.send(asSender.message.slice());
    await channel.flush();
    const peerA = await recvBytes(channel, POINT_BYTES, "base-OT point A");
    const asReceiver = baseOtReceive(prg, sessionId, 1 - role, peerA, delta, KAPPA);
    channel.send(asReceiver.message);
    await channel.flush();
    const peerB = await recvBytes(channel, KAPPA * POINT_BYTES, "base-OT points B");
    const { keys0, keys1 } = baseOtSenderFinish(asSender, sessionId, role, peerB, KAPPA);
    return {
      sender: new IknpSender(channel, delta, asReceiver.keys, options, prg),
      receiver: new IknpReceiver(channel, prg, keys0, keys1, options),
    };
  });
}
