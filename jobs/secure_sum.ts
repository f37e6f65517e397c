/**
 * Demo job "secure-sum": the two parties learn the column totals of their combined rows (and
 * the combined means), showing the runtime end to end before the k-means job exists.
 *
 * Protocol (additive sharing over Z_2^64, fixed point with f fractional bits):
 *
 *     each party i: t_i = its column totals, encoded; r_i <- its PRIVATE PRG
 *                   sends t_i - r_i (the peer's share of t_i), keeps r_i
 *     each party:   z_i = r_i + (t_j - r_j)        (a share of t_0 + t_1)
 *     open:         exchange z_i; total = z_0 + z_1
 *
 * Revealed: t_i - r_i is uniformly random to the peer (r_i is fresh and private); the opened
 * total is the intended output. With two parties the total also tells each party the other's
 * totals (total - own); that is inherent to the function, which is why this is only a demo.
 * The masks come from the private PRG, not the joint one: a mask the peer can recompute would
 * hide nothing from it.
 *
 * Public parameters checked in the handshake: the selected feature names and f. Public facts:
 * each party's row count (needed for the means).
 *
 * @module
 */

import { type Channel, inPhase, recvU64, sendTyped } from "../party/channel.ts";
import { Prg } from "../core/prg.ts";
import type { JobContext, PartyJob, PreparedJob } from "./job.ts";
import { loadCsv, splitFeatureList } from "../data/csv.ts";
import { parseDecimalInteger } from "../core/validate.ts";
import { ringAdd, ringSub } from "../protocol/ring.ts";
import { InputError, PeerError } from "../core/errors.ts";

/** Largest `--frac-bits`: column totals of 2^20 rows stay inside the 64-bit ring. */
const MAX_SUM_FRAC_BITS = 30;

const DEFAULT_FRACTIONAL_BITS = 16;

/** The secure-sum demo job (see the module doc). */
export const secureSumJob: PartyJob = {
  name: "secure-sum",
  summary: "reveal the column totals and means of both parties' rows (pipeline demo)",
  options: {
    columns: {
      type: "string",
      help: "comma-separated feature columns (header names or 0-based indices); required",
    },
    "frac-bits": {
      type: "string",
      default: String(DEFAULT_FRACTIONAL_BITS),
      help: "fixed-point fractional bits (0-30, default 16)",
    },
  },
  async prepare({ dataPath, values, log }): Promise<PreparedJob> {
    if (!dataPath) throw new InputError("secure-sum needs --data FILE");
    const columnsText = values.columns;
    if (typeof columnsText !== "string" || columnsText.trim() === "") {
      throw new InputError("secure-sum needs --columns NAME,NAME,...");
    }
    const fractionalBits = parseDecimalInteger(
      values["frac-bits"],
      "--frac-bits",
      0,
      MAX_SUM_FRAC_BITS,
    );
    const features = splitFeatureList(columnsText, "--columns");
    const data = await loadCsv(dataPath, { features });
    log(`loaded ${data.n} rows x ${data.d} features from ${dataPath}`);
    const totals = encodeTotals(data.rows, data.d, fractionalBits, dataPath, data.featureNames);
    return {
      params: { features: data.featureNames, fractionalBits, ringBits: 64 },
      facts: { rows: data.n },
      run: (ctx) => runSecureSum(ctx, totals, data.n, data.featureNames, fractionalBits),
    };
  },
};

/** Column totals as fixed-point ring elements; refuses totals that could overflow the sum. */
function encodeTotals(
  rows: Float64Array,
  d: number,
  fractionalBits: number,
  source: string,
  names: string[],
): BigUint64Array {
  const sums = new Float64Array(d);
  for (let i = 0; i < rows.length; i++) sums[i % d] += rows[i];
  const out = new BigUint64Array(d);
  for (let j = 0; j < d; j++) {
    const scaled = Math.round(sums[j] * 2 ** fractionalBits);
    // Below 2^53 doubles are exact and two such totals cannot wrap the signed 64-bit ring.
    if (!(Math.abs(scaled) < 2 ** 53)) {
      throw new InputError(`${source}: total of column ${JSON.stringify(names[j])} is too large`);
    }
    out[j] = BigInt.asUintN(64, BigInt(scaled));
  }
  return out;
}

async function runSecureSum(
  ctx: JobContext,
  ownTotals: BigUint64Array,
  ownRows: number,
  names: string[],
  fractionalBits: number,
) {
  const peerRows = ctx.peerFacts.rows;
  if (typeof peerRows !== "number" || !Number.isSafeInteger(peerRows) || peerRows < 1) {
    throw new PeerError(`peer announced an invalid row count ${JSON.stringify(peerRows)}`);
  }
  const d = ownTotals.length;
  const prg = new Prg(ctx.privateSeed);
  const total = await inPhase(ctx.channel, "online", async () => {
    const mask = prg.ring(d);
    // Sent: t_i - r_i, uniformly random to the peer because r_i is private and fresh.
    sendTyped(ctx.channel, ringSub(ownTotals, mask));
    const peerShare = await exchangeReceive(ctx.channel, d, "secure-sum share");
    const share = ringAdd(mask, peerShare);
    // Sent: our share of the sum; revealing the sum is the job's output.
    sendTyped(ctx.channel, share);
    return ringAdd(share, await exchangeReceive(ctx.channel, d, "secure-sum opening"));
  });
  const signed = new BigInt64Array(total.buffer, total.byteOffset, d);
  const rowCounts = ctx.role === 0 ? [ownRows, peerRows] : [peerRows, ownRows];
  const allRows = rowCounts[0] + rowCounts[1];
  const totals = Array.from(signed, (v) => Number(v) / 2 ** fractionalBits);
  ctx.log(`opened the totals of ${d} columns over ${allRows} rows`);
  return {
    features: names,
    rows: rowCounts,
    totals,
    means: totals.map((t) => t / allRows),
  };
}

async function exchangeReceive(channel: Channel, count: number, what: string) {
  await channel.flush();
  return await recvU64(channel, count, what);
}
