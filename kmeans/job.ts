/**
 * The secure k-means job of the party runtime (issue 7): options, data loading, the public
 * parameters both parties must agree on, and the run (OT setup, optional vertical join, secure
 * Lloyd iterations or the secure elbow sweep, JSON result).
 *
 * Public facts exchanged in the handshake: this party's row count and feature count and its
 * feature names. Everything else about the data stays private (see kmeans/secure_lloyd.ts
 * for the values opened during the run; the list is in the result's `revealed`).
 *
 * @module
 */

import { UserError } from "../cli/errors.ts";
import { loadCsv } from "../data/csv.ts";
import type { JsonValue } from "../party/handshake.ts";
import type { JobContext, PartyJob, PreparedJob } from "../party/job.ts";
import { ChannelError, inPhase, type PhaseStats } from "../party/channel.ts";
import { Prg } from "../party/prg.ts";
import { setupOtEndpoints } from "../ot/mod.ts";
import type { MpcContext } from "../protocol/context.ts";
import { encodeFixedPoint } from "./fixed_reference.ts";
import { chooseInitialRows, kmeansPlusPlusDraws, parseInit } from "./init.ts";
import { kmeansPlusPlusPlan, secureKmeansPlusPlus } from "./secure_init.ts";
import { checkValueBound, jointLayout, type Partition, secureBounds } from "./secure_layout.ts";
import { secureKmeans } from "./secure_lloyd.ts";
import { elbowRevealedValues, revealedValues, type RevealMode } from "./secure_options.ts";
import type { DistanceForm } from "./secure_assign.ts";
import {
  checkUniqueIds,
  joinedInitRows,
  joinVertical,
  toJoinedOrder,
  toOwnOrder,
  type VerticalJoin,
} from "./vertical.ts";

/** Default public bound on |x|: 2^12 = 4096 data units. */
export const DEFAULT_VALUE_BITS = 12;

/**
 * Memory budget of one job: n·k·(d+1) ≤ 2^24 cells (joint rows × largest k × (features + 1)).
 * The secure Lloyd keeps a few n·k·(d+1)-sized arrays of 64-bit words plus OT buffers, so this
 * bounds a party's working memory to a few GiB. n comes partly from the peer's announced row
 * count, so the check runs before anything is sized by it.
 */
export const MAX_JOB_CELLS = 2 ** 24;

/** Throws a one-line {@link UserError} if n·k·(d+1) exceeds {@link MAX_JOB_CELLS}. */
export function checkJobSize(n: number, k: number, d: number): void {
  const cells = n * k * (d + 1);
  if (!(cells <= MAX_JOB_CELLS)) {
    throw new UserError(
      `job too large: n·k·(d+1) = ${n}·${k}·${d + 1} = ${cells} exceeds the memory budget of ` +
        `${MAX_JOB_CELLS} cells (use fewer rows, clusters or features)`,
    );
  }
}

/** Parsed, validated public parameters of a k-means job (identical on both sides). */
export interface KmeansJobParams {
  /** Partition. */
  partition: Partition;
  /** Clusters: one k, or a sweep range for the elbow. */
  kValues: number[];
  /** Maximum updates. */
  maxIter: number;
  /** Tolerance in data units. */
  tol: number;
  /** Init text (`rows:...`, `random`, `kmeans++`). */
  init: string;
  /**
   * Public seed of `--init random` / `kmeans++` (`--init-seed`), or null to draw it from the
   * joint coin toss. Only chooses the initial rows (kmeans++: the first row and the D² draws);
   * it never feeds any party's private randomness.
   */
  initSeed: number | null;
  /** Reveal mode. */
  reveal: RevealMode;
  /** Distance expression. */
  distance: DistanceForm;
  /** Open the final inertia. */
  revealInertia: boolean;
  /** Open the final sizes. */
  revealFinalSizes: boolean;
  /** Fractional bits. */
  fractionalBits: number;
  /** Public value bound exponent. */
  valueBits: number;
}

function integer(text: unknown, name: string, min: number, max: number): number {
  const value = Number(text);
  if (typeof text !== "string" || !Number.isInteger(value) || value < min || value > max) {
    throw new UserError(`--${name} must be an integer in [${min}, ${max}], got ${text}`);
  }
  return value;
}

/** Parses `K` or `A..B` into the list of k values. */
export function parseKValues(text: string): number[] {
  const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (from < 1 || to < from || to > 64) {
      throw new UserError(`--k range ${text} must be A..B with 1 <= A <= B <= 64`);
    }
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  return [integer(text.trim(), "k", 1, 64)];
}

/** Validates the job's option values into {@link KmeansJobParams}. */
export function parseKmeansParams(
  values: Record<string, string | boolean | undefined>,
): KmeansJobParams {
  const partition = values.partition ?? "horizontal";
  if (partition !== "horizontal" && partition !== "vertical") {
    throw new UserError(`--partition must be horizontal or vertical, got ${partition}`);
  }
  const reveal = values.reveal ?? "centroids";
  if (reveal !== "sizes" && reveal !== "centroids") {
    throw new UserError(`--reveal must be sizes or centroids, got ${reveal}`);
  }
  const distance = values.distance ?? "dot";
  if (distance !== "dot" && distance !== "square") {
    throw new UserError(`--distance must be dot or square, got ${distance}`);
  }
  const tol = Number(values.tol ?? "1e-4");
  if (!(Number.isFinite(tol) && tol >= 0)) throw new UserError(`--tol must be a number >= 0`);
  const init = String(values.init ?? "random");
  parseInit(init);
  const seedText = values["init-seed"];
  const initSeed = seedText === undefined ? null : integer(seedText, "init-seed", 0, 2 ** 31 - 1);
  return {
    partition,
    kValues: parseKValues(String(values.k ?? "5")),
    maxIter: integer(String(values["max-iter"] ?? "10"), "max-iter", 1, 10_000),
    tol,
    init,
    initSeed,
    reveal,
    distance,
    revealInertia: values["reveal-inertia"] === true,
    revealFinalSizes: values["reveal-final-sizes"] === true,
    fractionalBits: integer(String(values["frac-bits"] ?? "16"), "frac-bits", 0, 30),
    valueBits: integer(
      String(values["value-bits"] ?? String(DEFAULT_VALUE_BITS)),
      "value-bits",
      1,
      40,
    ),
  };
}

function splitList(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** The job-specific command-line options (also accepted by `deno task launch`). */
export const KMEANS_JOB_OPTIONS: PartyJob["options"] = {
  features: { type: "string", help: "feature columns of this party (names or 0-based indices)" },
  "features-a": { type: "string", help: "vertical: party A's feature columns" },
  "features-b": { type: "string", help: "vertical: party B's feature columns" },
  id: { type: "string", help: "ID column to join on (vertical partition)" },
  partition: { type: "string", default: "horizontal", help: "horizontal | vertical" },
  k: { type: "string", default: "5", help: "clusters, or A..B for the secure elbow sweep" },
  "max-iter": { type: "string", default: "10", help: "maximum Lloyd updates (default 10)" },
  tol: { type: "string", default: "1e-4", help: "stop when no centroid moved more (data units)" },
  init: {
    type: "string",
    default: "random",
    help: "rows:i,j,... (joint row indices) | random | kmeans++ (secure D² sampling)",
  },
  "init-seed": {
    type: "string",
    help: "public seed of --init random|kmeans++ (a job parameter; default: from the coin toss)",
  },
  reveal: { type: "string", default: "centroids", help: "centroids (sizes secret) | sizes" },
  distance: { type: "string", default: "dot", help: "dot (||c||^2 - 2<x,c>) | square" },
  "reveal-inertia": { type: "boolean", help: "also open the final inertia" },
  "reveal-final-sizes": { type: "boolean", help: "also open the final cluster sizes" },
  "frac-bits": { type: "string", default: "16", help: "fixed-point fractional bits" },
  "value-bits": {
    type: "string",
    default: String(DEFAULT_VALUE_BITS),
    help: "public bound |x| < 2^B on every data value (default 12)",
  },
};

function features(values: Record<string, string | boolean | undefined>, role: 0 | 1): string[] {
  const own = role === 0 ? values["features-a"] : values["features-b"];
  const text = typeof own === "string" ? own : values.features;
  if (typeof text !== "string" || splitList(text).length === 0) {
    throw new UserError(
      `kmeans needs --features (or --features-${role === 0 ? "a" : "b"}) NAME,NAME,...`,
    );
  }
  return splitList(text);
}

function peerNumber(facts: Record<string, JsonValue>, name: string, max: number): number {
  const value = facts[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new UserError(`peer announced an invalid ${name}: ${JSON.stringify(value)}`);
  }
  return value;
}

/** The secure k-means job. */
export const kmeansJob: PartyJob = {
  name: "kmeans",
  summary: "secure two-party k-means (horizontal or vertical partition)",
  options: KMEANS_JOB_OPTIONS,
  async prepare({ role, dataPath, values, log }): Promise<PreparedJob> {
    const params = parseKmeansParams(values);
    if (!dataPath) throw new UserError("kmeans needs --data FILE");
    const names = features(values, role);
    const id = typeof values.id === "string" ? values.id : undefined;
    if (params.partition === "vertical" && id === undefined) {
      throw new UserError("the vertical partition needs --id COLUMN");
    }
    const data = await loadCsv(dataPath, { features: names, id });
    if (data.ids) checkUniqueIds(data.ids, dataPath);
    secureBounds(params.fractionalBits, params.valueBits, data.d); // early check of the ring
    const encoded = encodeFixedPoint(data.rows, params.fractionalBits);
    const bounds = secureBounds(params.fractionalBits, params.valueBits, data.d);
    checkValueBound(encoded, bounds, dataPath);
    log(`loaded ${data.n} rows x ${data.d} features from ${dataPath}`);
    const publicParams: Record<string, JsonValue> = {
      ...(params as unknown as Record<string, JsonValue>),
      kValues: params.kValues,
    };
    return {
      params: publicParams,
      facts: { rows: data.n, cols: data.d, featureNames: data.featureNames },
      run: (ctx) =>
        runKmeansJob(ctx, params, {
          own: new BigUint64Array(encoded.buffer, encoded.byteOffset, encoded.length),
          rows: data.n,
          cols: data.d,
          ids: data.ids,
          featureNames: data.featureNames,
        }),
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

/** Runs the job over an established session; resolves to this party's JSON result. */
export async function runKmeansJob(
  job: JobContext,
  params: KmeansJobParams,
  input: KmeansJobInput,
): Promise<JsonValue> {
  const result = await runKmeansProtocol(job, params, input);
  await closingHandshake(job.channel);
  return result;
}

/** One byte each way after all output is built: neither side closes while the other works. */
const GOODBYE = 0x6b;

/**
 * Both parties send a goodbye byte and wait for the peer's, as the very last step, so the
 * session runner's final flush happens while the peer's connection is still open (a peer that
 * closed during our local post-processing would make that flush fail).
 */
async function closingHandshake(channel: JobContext["channel"]): Promise<void> {
  await inPhase(channel, "close", async () => {
    channel.send(Uint8Array.of(GOODBYE));
    await channel.flush();
    const frame = await channel.recv();
    if (frame.length !== 1 || frame[0] !== GOODBYE) {
      throw new ChannelError("peer sent an unexpected final message");
    }
  });
}

async function runKmeansProtocol(
  job: JobContext,
  params: KmeansJobParams,
  input: KmeansJobInput,
): Promise<JsonValue> {
  const started = performance.now();
  const { channel, role } = job;
  // Peer-announced sizes are checked against the budget before anything is sized by them;
  // both parties see the same public n, k, d and so fail alike.
  const peerRows = peerNumber(job.peerFacts, "rows", MAX_JOB_CELLS);
  const peerCols = peerNumber(job.peerFacts, "cols", 4096);
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
  const initSeed = params.initSeed ?? ctx.jointPrg.uniformInt(2 ** 31);
  let init = parseInit(params.init);
  const revealed = revealedValues(params, layout);
  if (join && init.kind === "rows") {
    // Row indices count in party A's file order: validate them as given (both sides, alike),
    // then A tells B their joined positions (revealed: see VERTICAL_JOIN_REVEALS).
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
  const plusPlus = init.kind === "kmeans++"
    ? await kmeansPlusPlusShares(ctx, job, params, layout, own, initSeed)
    : null;
  if (params.kValues.length > 1) {
    return await runElbow(ctx, job, params, layout, own, init, initSeed, started, plusPlus);
  }
  const k = params.kValues[0];
  const initialRows = plusPlus
    ? []
    : chooseInitialRows(new Float64Array(0), layout.n, layout.d, k, init, initSeed);
  job.log(`revealed by this run: ${revealed.join("; ")}`);
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
  const out: Record<string, JsonValue> = {
    centroids,
    nIter: result.nIter,
    converged: result.converged,
    // Vertical: labels and initial rows mapped back to this party's own file order.
    labels: join ? toOwnOrder(result.labels, join) : Array.from(result.labels),
    featureNames,
    initialRows: join ? initialRows.map((p) => join.order[p]) : initialRows,
    initSeed,
    revealed: result.revealed,
  };
  if (plusPlus) {
    out.initSeconds = plusPlus.seconds;
    // This party's own joined-position → file-row map (local knowledge, never sent): the
    // launcher needs it to replay kmeans++, whose D² prefix sums run in the joined order.
    if (join) out.joinedOrder = Array.from(join.order);
  }
  if (result.sizes) out.sizes = result.sizes;
  if (result.inertia !== undefined) out.inertia = result.inertia;
  out.stats = stats(channel.stats.snapshot(), started, result.offlineSeconds, result.onlineSeconds);
  const s = out.stats as Record<string, number>;
  job.log(
    `offline ${s.offlineSeconds.toFixed(3)} s, online ${s.onlineSeconds.toFixed(3)} s; ` +
      `sent ${s.bytesSent} bytes, received ${s.bytesReceived}, ${s.rounds} rounds`,
  );
  logPhases(job, channel.stats.snapshot().byPhase);
  return out;
}

/** One line per traffic phase (setup, base-ot, join, offline, online). */
function logPhases(job: JobContext, byPhase: Record<string, PhaseStats>): void {
  for (const [phase, p] of Object.entries(byPhase)) {
    if (p.bytesSent + p.bytesReceived === 0) continue;
    job.log(
      `  phase ${phase}: sent ${p.bytesSent} bytes, received ${p.bytesReceived}, ${p.rounds} rounds`,
    );
  }
}

function asNames(value: JsonValue | undefined): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new UserError("peer announced invalid feature names");
  }
  return value as string[];
}

/** The `stats` object of the JSON result. */
function stats(
  snapshot: ReturnType<import("../party/channel.ts").ChannelStats["snapshot"]>,
  started: number,
  offlineSeconds: number,
  onlineSeconds: number,
): Record<string, JsonValue> {
  return {
    seconds: (performance.now() - started) / 1000,
    offlineSeconds,
    onlineSeconds,
    bytesSent: snapshot.total.bytesSent,
    bytesReceived: snapshot.total.bytesReceived,
    rounds: snapshot.total.rounds,
    byPhase: snapshot.byPhase as unknown as JsonValue,
  };
}

/** The secure elbow sweep: one run per k, only the inertia of each opened. */
async function runElbow(
  ctx: MpcContext,
  job: JobContext,
  params: KmeansJobParams,
  layout: ReturnType<typeof jointLayout>,
  own: BigUint64Array,
  init: ReturnType<typeof parseInit>,
  initSeed: number,
  started: number,
  plusPlus: { centroids: BigUint64Array } | null,
): Promise<JsonValue> {
  const sweep: { k: number; inertia: number; nIter: number }[] = [];
  let offline = 0;
  let online = 0;
  // Every k's initial rows validated exactly as the single-k path does (range, repeats,
  // k <= n), before any of the sweep runs: the first k rows of --init rows: for each k.
  const initialRows = params.kValues.map((k) =>
    plusPlus ? [] : chooseInitialRows(
      new Float64Array(0),
      layout.n,
      layout.d,
      k,
      init.kind === "rows" ? { kind: "rows", rows: init.rows.slice(0, k) } : init,
      initSeed,
    )
  );
  job.log(`revealed by this sweep: the final inertia for each k, the convergence bits`);
  for (const [index, k] of params.kValues.entries()) {
    const rows = initialRows[index];
    const result = await secureKmeans(ctx, layout, own, {
      k,
      maxIter: params.maxIter,
      tol: params.tol,
      initialRows: rows,
      // k-means++ centres come in order, so the first k of the largest-k run are k's own.
      initialCentroids: plusPlus?.centroids.slice(0, k * layout.d),
      init: params.init,
      reveal: params.reveal,
      distance: params.distance,
      revealInertia: true,
      revealFinalSizes: false,
      fractionalBits: params.fractionalBits,
      valueBits: params.valueBits,
      inertiaOnly: true,
    });
    offline += result.offlineSeconds;
    online += result.onlineSeconds;
    sweep.push({ k, inertia: result.inertia!, nIter: result.nIter });
    job.log(`k = ${k}: inertia ${result.inertia!.toFixed(4)} after ${result.nIter} updates`);
  }
  return {
    elbow: sweep,
    revealed: elbowRevealedValues(params, layout),
    stats: stats(ctx.channel.stats.snapshot(), started, offline, online),
  };
}

/**
 * Secure k-means++ for the largest k of the job (its first k centres are the k-means++
 * centres for every smaller k), in traffic phase "init"; the draws come from the public init
 * seed. Returns this party's centroid shares and the seconds spent.
 */
async function kmeansPlusPlusShares(
  ctx: MpcContext,
  job: JobContext,
  params: KmeansJobParams,
  layout: ReturnType<typeof jointLayout>,
  own: BigUint64Array,
  initSeed: number,
): Promise<{ centroids: BigUint64Array; seconds: number }> {
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
