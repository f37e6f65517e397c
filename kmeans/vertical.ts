/**
 * The join of a vertically partitioned data set: party A and party B hold different feature
 * columns of the same entities, each with an ID column; the joined rows follow party A's file
 * order (issue 7).
 *
 * Assumption (stated, as in the vertical-federated-learning literature, e.g. Vaidya & Clifton,
 * "Privacy-preserving k-means clustering over vertically partitioned data", KDD 2003): the set
 * of entity IDs is common knowledge of the two parties — that is what makes the partition
 * vertical — and both files hold exactly that set. The IDs themselves never travel: each party
 * sends only tags HMAC-SHA256(K, id) truncated to 128 bits, with K drawn from the joint coin
 * toss, so the tags are useless outside this session. Under the assumption B learns nothing new
 * except party A's row order (needed to line B's rows up with A's). If the sets differ, the
 * only thing revealed is how many IDs each side lacks, and the join fails with a clear error.
 * (Against a curious peer that enumerates a small ID space, tags of unmatched IDs can be
 * recognised; a private set intersection would hide them, but under the assumption above
 * there are no unmatched IDs in a successful run.)
 *
 * Every frame from the peer is length-checked; a malformed frame raises a ChannelError.
 *
 * @module
 */

import { createHmac } from "node:crypto";
import { type Channel, ChannelError, recvU32, sendTyped } from "../party/channel.ts";
import type { Role } from "../protocol/context.ts";
import { UserError } from "../cli/errors.ts";

/** Bytes of one ID tag. */
const TAG_BYTES = 16;

/** Largest number of joined rows accepted from a peer (bounds memory before validation). */
const MAX_JOIN_ROWS = 1 << 24;

/** What each party needs after the join. */
export interface VerticalJoin {
  /** Joined row count (equal on both sides). */
  n: number;
  /**
   * For party A the identity; for party B, `order[i]` is B's local row for joined row i
   * (joined rows are in A's file order).
   */
  order: Int32Array;
}

/** 128-bit tags of `ids` under `key` (HMAC-SHA256, truncated), concatenated. */
export function idTags(ids: readonly string[], key: Uint8Array): Uint8Array {
  const out = new Uint8Array(ids.length * TAG_BYTES);
  for (let i = 0; i < ids.length; i++) {
    const mac = createHmac("sha256", key).update(ids[i], "utf8").digest();
    out.set(mac.subarray(0, TAG_BYTES), i * TAG_BYTES);
  }
  return out;
}

/** Throws a {@link UserError} naming a duplicated ID of this party's own file, if any. */
export function checkUniqueIds(ids: readonly string[], source: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) {
      throw new UserError(`${source}: ID ${JSON.stringify(id)} appears more than once`);
    }
    seen.add(id);
  }
}

function tagKey(tags: Uint8Array, i: number): string {
  let s = "";
  for (let b = i * TAG_BYTES; b < (i + 1) * TAG_BYTES; b++) {
    s += String.fromCharCode(tags[b]);
  }
  return s;
}

/**
 * Joins the two parties' rows on their ID columns. `key` must be the same 16+ random bytes on
 * both sides (from the joint coin toss). Party A sends its tags; party B matches them, sends
 * back the two unmatched counts, and both fail with the same message if either is non-zero.
 */
export async function joinVertical(
  channel: Channel,
  role: Role,
  ids: readonly string[],
  key: Uint8Array,
): Promise<VerticalJoin> {
  const tags = idTags(ids, key);
  let missingInB: number;
  let onlyInB: number;
  let order: Int32Array;
  if (role === 0) {
    sendTyped(channel, tags);
    await channel.flush();
    const counts = await recvU32(channel, 2, "vertical join counts");
    missingInB = counts[0];
    onlyInB = counts[1];
    if (missingInB > ids.length) {
      throw new ChannelError("peer reported more unmatched IDs than party A has");
    }
    order = Int32Array.from(ids, (_, i) => i);
  } else {
    const frame = await channel.recv();
    if (frame.length % TAG_BYTES !== 0 || frame.length / TAG_BYTES > MAX_JOIN_ROWS) {
      throw new ChannelError(`peer sent ${frame.length} bytes of ID tags`);
    }
    const nA = frame.length / TAG_BYTES;
    const local = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) local.set(tagKey(tags, i), i);
    order = new Int32Array(nA);
    missingInB = 0;
    let matched = 0;
    const seenA = new Set<string>();
    for (let i = 0; i < nA; i++) {
      const key = tagKey(frame, i);
      if (seenA.has(key)) throw new ChannelError("peer sent a duplicated ID tag");
      seenA.add(key);
      const row = local.get(key);
      if (row === undefined) {
        missingInB++;
        order[i] = -1;
      } else {
        order[i] = row;
        matched++;
      }
    }
    onlyInB = ids.length - matched;
    sendTyped(channel, Uint32Array.of(missingInB, onlyInB));
    await channel.flush();
  }
  if (missingInB > 0 || onlyInB > 0) {
    throw new UserError(
      `vertical join on the ID column failed: ${missingInB} ID(s) of party A are missing at ` +
        `party B and ${onlyInB} ID(s) of party B are missing at party A (both files must hold ` +
        `the same IDs)`,
    );
  }
  return { n: order.length, order };
}
