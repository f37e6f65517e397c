/**
 * The join of a vertically partitioned data set: party A and party B hold different
 * feature columns of the same entities, each with an ID column.
 *
 * The IDs never travel: the parties compute DH-PSI tags ab·H(id) on ristretto255 (`psi.ts`;
 * Huberman–Franklin–Hogg 1999), so neither can test guesses of the other's IDs and neither
 * learns the other's file order. The joined rows are ordered by their final tag bytes, a
 * pseudo-random order independent of both files that both parties compute alike; each party
 * keeps the map from joined position to its own file row, and maps the labels back to its own
 * file order at the end.
 *
 * Both files must hold the same ID set (the partition is vertical). If they do not, the only
 * thing revealed is how many IDs each side lacks (counts from the intersection size, computed
 * alike on both sides, so both fail with the same message; which IDs are missing stays hidden,
 * see psi.ts).
 *
 * `--init rows:` indices count in party A's file order. Party A sends the joined
 * positions of those rows to party B: that reveals, for those k public rows only, which joined
 * row they are (and so, to B, which of B's rows). {@link VERTICAL_REVEALS} lists it all.
 *
 * @module
 */

import { type Channel, ChannelError, recvU32, sendTyped } from "../../party/channel.ts";
import type { Prg } from "../../core/prg.ts";
import type { Role } from "../../protocol/context.ts";
import { InputError } from "../../core/errors.ts";
import { psiTags, tagKey } from "../../protocol/psi.ts";

/** Largest number of rows accepted from a peer (bounds memory before validation). */
export const MAX_JOIN_ROWS = 1 << 24;

/**
 * What a vertical run reveals beyond the common items, in the order the `revealed` lists print
 * them (kmeans/secure_options.ts): the join itself, the positions of `--init rows:` rows (that
 * exchange happens only with row init), and the labels of the joined rows.
 */
export const VERTICAL_REVEALS = {
  join: [
    "feature count of each party and the joined row count (both)",
    "vertical join: only if the ID sets differ, how many IDs each side lacks; the run then " +
    "stops (both)",
  ],
  initRows:
    "vertical join with --init rows: the joined positions of those k rows of party A (party B)",
  labels: "final labels of all joined rows, each party in its own file order (both)",
} as const;

/** What each party needs after the join. */
export interface VerticalJoin {
  /** Joined row count (equal on both sides). */
  n: number;
  /** `order[p]` is this party's own file row at joined position p (sorted by final tag). */
  order: Int32Array;
}

/** Throws a {@link InputError} naming a duplicated ID of this party's own file, if any. */
export function checkUniqueIds(ids: readonly string[], source: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) {
      throw new InputError(`${source}: ID ${JSON.stringify(id)} appears more than once`);
    }
    seen.add(id);
  }
}

/**
 * Joins the two parties' rows on their ID columns by DH-PSI (three rounds). `peerRows` is the
 * peer's row count from the handshake; `prg` must be this party's private PRG. Resolves to a
 * {@link VerticalJoin}: the joined row count `n` and `order[p]`, this party's own file row at
 * joined position p (spelled out so the public API names no module-private type).
 */
export async function joinVertical(
  channel: Channel,
  role: Role,
  ids: readonly string[],
  peerRows: number,
  prg: Prg,
): Promise<{ n: number; order: Int32Array }> {
  if (peerRows > MAX_JOIN_ROWS) {
    throw new ChannelError(`peer announced ${peerRows} rows, more than ${MAX_JOIN_ROWS}`);
  }
  const { matched, own } = await psiTags(channel, ids, peerRows, prg);
  const ownMissingAtPeer = ids.length - matched;
  const peerMissingHere = peerRows - matched;
  const [missingInB, missingInA] = role === 0
    ? [ownMissingAtPeer, peerMissingHere]
    : [peerMissingHere, ownMissingAtPeer];
  if (own === null) {
    throw new InputError(
      `vertical join on the ID column failed: ${missingInB} ID(s) of party A are missing at ` +
        `party B and ${missingInA} ID(s) of party B are missing at party A (both files must hold ` +
        `the same IDs)`,
    );
  }
  const keys = ids.map((_, i) => tagKey(own, i));
  // Equal sets: sorting by tag gives both parties the same joined order.
  const order = Int32Array.from(ids, (_, i) => i).sort((x, y) =>
    keys[x] < keys[y] ? -1 : keys[x] > keys[y] ? 1 : 0
  );
  return { n: order.length, order };
}

/**
 * Joined positions of party A's public init rows (`rows`, in A's file order, already checked to
 * be distinct and in range): party A computes and sends them, party B receives and checks them.
 */
export async function joinedInitRows(
  channel: Channel,
  role: Role,
  join: VerticalJoin,
  rows: readonly number[],
): Promise<number[]> {
  if (rows.length === 0) return [];
  if (role === 0) {
    const position = new Int32Array(join.n);
    for (let p = 0; p < join.n; p++) position[join.order[p]] = p;
    const positions = Uint32Array.from(rows, (row) => position[row]);
    sendTyped(channel, positions);
    await channel.flush();
    return Array.from(positions);
  }
  const positions = await recvU32(channel, rows.length, "joined init rows");
  const seen = new Set<number>();
  for (const p of positions) {
    if (p >= join.n || seen.has(p)) {
      throw new ChannelError("peer sent invalid joined positions of the init rows");
    }
    seen.add(p);
  }
  return Array.from(positions);
}

/** Rows of `values` (row-major, `cols` wide) in joined order: row p = own row order[p]. */
export function toJoinedOrder(
  values: BigUint64Array,
  cols: number,
  join: VerticalJoin,
): BigUint64Array {
  const out = new BigUint64Array(join.n * cols);
  for (let p = 0; p < join.n; p++) {
    const from = join.order[p] * cols;
    out.set(values.subarray(from, from + cols), p * cols);
  }
  return out;
}

/** Labels of the joined rows mapped back to this party's own file order. */
export function toOwnOrder(labels: ArrayLike<number>, join: VerticalJoin): number[] {
  const out = new Array<number>(join.n);
  for (let p = 0; p < join.n; p++) out[join.order[p]] = labels[p];
  return out;
}
