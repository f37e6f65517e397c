/**
 * The secure k-means job of the party runtime: the prepare step (options, data
 * loading, the public parameters both parties must agree on, the revealed list printed before
 * connecting) and the run (OT setup, optional vertical join, secure Lloyd iterations or the
 * secure elbow sweep, JSON result, optional `--plot`).
 *
 * Public facts exchanged in the handshake: this party's row count, feature count and feature
 * names; horizontal runs also compare the feature names as a parameter (job_params.ts).
 * Everything else about the data stays private (see kmeans/secure_lloyd.ts for the values
 * opened during the run; the list is in the result's `revealed`).
 *
 * @module
 */

import { InputError, PeerError } from "../../core/errors.ts";
import { checkOutputPath } from "../../core/files.ts";
import { loadCsv } from "../../data/csv.ts";
import type { JsonValue } from "../../core/json.ts";
import type { JobContext, PartyJob, PreparedJob } from "../job.ts";
import { inPhase } from "../../party/channel.ts";
import { Prg } from "../../core/prg.ts";
import { setupOtEndpoints } from "../../ot/mod.ts";
import type { MpcContext } from "../../protocol/context.ts";
import { encodeFixedPoint } from "../../kmeans/fixed_reference.ts";
import { chooseInitialRows, kmeansPlusPlusDraws, parseInit } from "../../kmeans/init.ts";
import { kmeansPlusPlusPlan, secureKmeansPlusPlus } from "../../kmeans/secure/init.ts";
import { checkValueBound, jointLayout, secureBounds } from "../../kmeans/secure/layout.ts";
import { secureKmeans } from "../../kmeans/secure/lloyd.ts";
import {
  checkJobSize,
  handshakeParams,
  jobRevealedValues,
  KMEANS_JOB_OPTIONS,
  type KmeansJobParams,
  MAX_FEATURES,
  MAX_INIT_SEED,
  MAX_JOB_CELLS,
  ownFeatures,
  parseKmeansParams,
} from "./params.ts";
import { runElbow } from "./elbow.ts";
import {
  type KmeansPartyResult,
  type KmeansRunResult,
  type KmeansStats,
  readKmeansPartyResult,
  summarizeKmeansResult,
  toJsonResult,
} from "./result.ts";
import type { SecureRun } from "./secure_run.ts";
import { writePartyPlot } from "./plot.ts";
import { jobStats, logPhases } from "./stats.ts";
import {
  checkUniqueIds,
  joinedInitRows,
  joinVertical,
  toJoinedOrder,
  toOwnOrder,
  type VerticalJoin,
} from "../../kmeans/secure/vertical.ts";

export {
  checkJobSize,
  DEFAULT_VALUE_BITS,
  KMEANS_JOB_OPTIONS,
  MAX_JOB_CELLS,
  parseKmeansParams,
  parseKValues,
} from "./params.ts";
export type { KmeansJobParams } from "./params.ts";

function peerNumber(facts: Record<string, JsonValue>, name: string, max: number): number {
  const value = facts[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new PeerError(`peer announced an invalid ${name}: ${JSON.stringify(value)}`);
  }
  return value;
}

function asNames(value: JsonValue | undefined): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new PeerError("peer announced invalid feature names");
  }
  return value as string[];
}

/** The secure k-means job. */
export const kmeansJob: PartyJob = {
  name: "kmeans",
  summary: "secure two-party k-means (horizontal or vertical partition)",
  options: KMEANS_JOB_OPTIONS,
  jsonContent: "result",
  summarize: (result) => summarizeKmeansResult(readKmeansPartyResult(result, "the result")),
  async prepare({ role, dataPath, values, log }): Promise<PreparedJob> {
    const params = parseKmeansParams(values);
    if (!dataPath) throw new InputError("kmeans needs --data FILE");
    const names = ownFeatures(values, role);
    const id = typeof values.id === "string" ? values.id : undefined;
    if (params.partition === "vertical" && id === undefined) {
      throw new InputError("the vertical partition needs --id COLUMN");
    }
    const plotPath = typeof values.plot === "string" ? values.plot : undefined;
    if (plotPath !== undefined) checkOutputPath(plotPath, "--plot", { extension: ".svg" });
    const data = await loadCsv(dataPath, { features: names, id });
    if (data.ids) checkUniqueIds(data.ids, dataPath);
    const bounds = secureBounds(params.fractionalBits, params.valueBits, data.d);
    const encoded = encodeFixedPoint(data.rows, params.fractionalBits);
    checkValueBound(encoded, bounds, dataPath);
    log(`loaded ${data.n} rows x ${data.d} features from ${dataPath}`);
    // Printed before connecting: the handshake and the vertical join already reveal some.
    log(`revealed by this run: ${jobRevealedValues(params).join("; ")}`);
    return {
      params: handshakeParams(params, data.featureNames),
      facts: { rows: data.n, cols: data.d, featureNames: data.featureNames },
      run: async (ctx) => {
        const result = await runKmeansJob(ctx, params, {
          own: new BigUint64Array(encoded.buffer, encoded.byteOffset, encoded.length),
          rows: data.n,
          cols: data.d,
          ids: data.ids,
          featureNames: data.featureNames,
        });
        if (plotPath !== undefined) {
          const peerCols = peerNumber(ctx.peerFacts, "cols", MAX_FEATURES);
          await writePartyPlot({
            path: plotPath,
            rows: data.rows,
            n: data.n,
            d: data.d,
            featureNames: data.featureNames,
            partition: params.partition,
            firstFeature: params.partition === "vertical" && role === 1 ? peerCols : 0,
          }, result);
          log(`wrote ${plotPath}`);
        }
        return toJsonResult(result);
      },
    };
  },
};

/** This party's loaded input. */
export interface KmeansJobInput {
  /** Own encoded values, row-major. */
  own: BigUint64Array;
  /** Own rows. */
  rows: number;
  /** Own features. */
  cols: number;
  /** Own IDs (vertical). */
  ids?: string[];
  /** Own feature names. */
  featureNames: string[];
}

/**
 * Runs the job over an established session; resolves to this party's result. The runner's
 * closing agreement follows (jobs/runner.ts).
 */
export async function runKmeansJob(
  job: JobContext,
  params: KmeansJobParams,
  input: KmeansJobInput,
): Promise<KmeansPartyResult> {
  const started = performance.now();
  const { channel, role } = job;
  // Peer-announced sizes are checked against the budget before anything is sized by them;
  // both parties see the same public n, k, d and so fail alike.
  const peerRows = peerNumber(job.peerFacts, "rows", MAX_JOB_CELLS);
  const peerCols = peerNumber(job.peerFacts, "cols", MAX_FEATURES);
  const largestK = params.kValues[params.kValues.length - 1];
  checkJobSize(
    params.partition === "vertical" ? Math.max(input.rows, peerRows) : input.rows + peerRows,
    largestK,
    input.cols + (params.partition === "vertical" ? peerCols : 0),
  );
  const prg = new Prg(job.privateSeed);
  let own = input.own;
  let rows = input.rows;
  let join: VerticalJoin | undefined;
  if (params.partition === "vertical") {
    // DH-PSI join first (fails fast on differing ID sets); its scalar and shuffle come from the
    // private PRG. Both parties then hold their rows in the same tag-sorted joined order.
    const joined = await inPhase(
      channel,
      "join",
      () => joinVertical(channel, role, input.ids!, peerRows, prg),
    );
    own = toJoinedOrder(own, input.cols, joined);
    rows = joined.n;
    join = joined;
  }
  const ot = await setupOtEndpoints(channel, role, prg, job.sessionId);
  const ctx: MpcContext = { role, channel, prg, jointPrg: new Prg(job.jointSeed), ot };
  const mine = { rows, cols: input.cols };
  const theirs = { rows: params.partition === "vertical" ? rows : peerRows, cols: peerCols };
  const layout = jointLayout(params.partition, role === 0 ? [mine, theirs] : [theirs, mine]);
  const peerNames = job.peerFacts.featureNames;
  const featureNames = params.partition === "vertical"
    ? (role === 0
      ? [...input.featureNames, ...asNames(peerNames)]
      : [...asNames(peerNames), ...input.featureNames])
    : input.featureNames;
  const initSeed = params.initSeed ?? ctx.jointPrg.uniformInt(MAX_INIT_SEED + 1);
  let init = parseInit(params.init);
  const revealed = jobRevealedValues(params);
  if (join && init.kind === "rows") {
    // Row indices count in party A's file order: validate them as given (both sides, alike),
    // then A tells B their joined positions (revealed: see VERTICAL_REVEALS).
    const sweep = params.kValues.length > 1;
    for (const k of params.kValues) {
      const given = sweep ? init.rows.slice(0, k) : init.rows;
      chooseInitialRows(new Float64Array(0), layout.n, layout.d, k, { kind: "rows", rows: given });
    }
    const listed = init.rows.slice(0, params.kValues[params.kValues.length - 1]);
    const positions = await inPhase(
      channel,
      "join",
      () => joinedInitRows(channel, role, join!, listed),
    );
    init = { kind: "rows", rows: positions };
  }
  const run: SecureRun = { ctx, job, params, layout, own, initSeed, started };
  const plusPlus = init.kind === "kmeans++" ? await kmeansPlusPlusShares(run) : null;
  if (params.kValues.length > 1) {
    const sweep = await runElbow(run, { init, initialCentroids: plusPlus?.centroids });
    return { elbow: sweep.elbow, revealed, stats: sweep.stats };
  }
  const k = params.kValues[0];
  const initialRows = plusPlus
    ? []
    : chooseInitialRows(new Float64Array(0), layout.n, layout.d, k, init, initSeed);
  const result = await secureKmeans(ctx, layout, own, {
    k,
    maxIter: params.maxIter,
    tol: params.tol,
    initialRows,
    initialCentroids: plusPlus?.centroids,
    init: params.init,
    reveal: params.reveal,
    distance: params.distance,
    revealInertia: params.revealInertia,
    revealFinalSizes: params.revealFinalSizes,
    fractionalBits: params.fractionalBits,
    valueBits: params.valueBits,
    onIteration: (p) =>
      job.log(
        `iteration ${p.iteration}: ${p.elapsedSeconds.toFixed(3)} s, ${p.bytesSent} bytes sent, ` +
          `${p.rounds} rounds, converged=${p.converged ? 1 : 0}` +
          (p.sizes ? `, sizes ${p.sizes.join(",")}` : ""),
      ),
  });
  const d = layout.d;
  const centroids: number[][] = [];
  for (let j = 0; j < k; j++) {
    centroids.push(Array.from(result.centroids.subarray(j * d, (j + 1) * d)));
  }
  const out: KmeansRunResult = {
    centroids,
    nIter: result.nIter,
    converged: result.converged,
    // Vertical: labels and initial rows mapped back to this party's own file order.
    labels: join ? toOwnOrder(result.labels, join) : Array.from(result.labels),
    featureNames,
    initialRows: join ? initialRows.map((p) => join.order[p]) : initialRows,
    initSeed,
    revealed,
    stats: undefined as unknown as KmeansStats, // filled in last, so it stays last in the JSON
  };
  if (plusPlus) {
    out.initSeconds = plusPlus.seconds;
    // This party's own joined-position → file-row map (local knowledge, never sent): the
    // launcher needs it to replay kmeans++, whose D² prefix sums run in the joined order.
    if (join) out.joinedOrder = Array.from(join.order);
  }
  if (result.sizes) out.sizes = result.sizes;
  if (result.inertia !== undefined) out.inertia = result.inertia;
  const s = jobStats(channel.stats.snapshot(), started, {
    offlineSeconds: result.offlineSeconds,
    onlineSeconds: result.onlineSeconds,
  });
  out.stats = s;
  job.log(
    `offline ${s.offlineSeconds.toFixed(3)} s, online ${s.onlineSeconds.toFixed(3)} s; ` +
      `sent ${s.bytesSent} bytes, received ${s.bytesReceived}, ${s.rounds} rounds`,
  );
  logPhases(job, channel.stats.snapshot().byPhase);
  return out;
}

/**
 * Secure k-means++ for the largest k of the job (its first k centres are the k-means++
 * centres for every smaller k), in traffic phase "init"; the draws come from the public init
 * seed. Returns this party's centroid shares and the seconds spent.
 */
async function kmeansPlusPlusShares(
  run: SecureRun,
): Promise<{ centroids: BigUint64Array; seconds: number }> {
  const { ctx, job, params, layout, own, initSeed } = run;
  const k = params.kValues[params.kValues.length - 1];
  const plan = kmeansPlusPlusPlan(layout.n, layout.d, params.fractionalBits, params.valueBits);
  const draws = kmeansPlusPlusDraws(initSeed, layout.n, k, plan.drawBits);
  const started = performance.now();
  const before = { ...ctx.channel.stats.total };
  const centroids = await inPhase(
    ctx.channel,
    "init",
    () => secureKmeansPlusPlus(ctx, layout, own, { k, draws, plan, distance: params.distance }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = ctx.channel.stats.total;
  job.log(
    `kmeans++ init (k = ${k}): ${seconds.toFixed(3)} s, ${after.bytesSent - before.bytesSent} ` +
      `bytes sent, ${after.rounds - before.rounds} rounds`,
  );
  return { centroids, seconds };
}
