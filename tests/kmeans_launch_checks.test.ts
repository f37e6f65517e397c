/**
 * Checks the k-means job applies before running (security review findings 4 and 6): the elbow
 * sweep's `--init rows:` are validated like the single-k path's, and peer-announced sizes are
 * capped by the memory budget n·k·(d+1) ≤ MAX_JOB_CELLS with a one-line error.
 */
import assert from "node:assert/strict";
import { memoryChannelPair } from "../party/memory_channel.ts";
import type { JobContext } from "../jobs/job.ts";
import type { KmeansElbowResult, KmeansPartyResult } from "../jobs/kmeans/result.ts";
import { testSeed } from "../testing/mpc_pair.ts";
import {
  checkJobSize,
  type KmeansJobInput,
  MAX_JOB_CELLS,
  parseKmeansParams,
  runKmeansJob,
} from "../jobs/kmeans/job.ts";
import { encodeFixedPoint } from "../kmeans/fixed_reference.ts";
import { InputError } from "../core/errors.ts";

function input(rows: number[][]): KmeansJobInput {
  const encoded = encodeFixedPoint(Float64Array.from(rows.flat()), 16);
  return {
    own: new BigUint64Array(encoded.buffer),
    rows: rows.length,
    cols: rows[0].length,
    featureNames: rows[0].map((_, i) => `f${i}`),
  };
}

function context(role: 0 | 1, channel: JobContext["channel"], peer: KmeansJobInput): JobContext {
  return {
    channel,
    role,
    sessionId: testSeed(3, 9),
    jointSeed: testSeed(3, 8),
    privateSeed: testSeed(3, role),
    peerFacts: { rows: peer.rows, cols: peer.cols, featureNames: peer.featureNames },
    log: () => {},
  };
}

async function runPair(
  values: Record<string, string | boolean | undefined>,
  inputs: [KmeansJobInput, KmeansJobInput],
): Promise<PromiseSettledResult<KmeansPartyResult>[]> {
  const [c0, c1] = memoryChannelPair();
  const params = parseKmeansParams(values);
  try {
    return await Promise.allSettled([
      runKmeansJob(context(0, c0, inputs[1]), params, inputs[0]),
      runKmeansJob(context(1, c1, inputs[0]), params, inputs[1]),
    ]);
  } finally {
    c0.close();
  }
}

const DATA = [[0, 0], [0, 1], [10, 10], [10, 11], [20, 0], [21, 0], [5, 5], [6, 5]];
const INPUTS: [KmeansJobInput, KmeansJobInput] = [input(DATA.slice(0, 4)), input(DATA.slice(4))];

for (
  const [init, message] of [
    ["rows:0,99,2", /row 99 is out of range/],
    ["rows:0,0,2", /row 0 is listed twice/],
    ["rows:0,1", /gives 2 rows but k = 3/],
  ] as const
) {
  Deno.test(`elbow sweep refuses --init ${init} like the single-k path`, async () => {
    const results = await runPair({ k: "1..3", init, "max-iter": "2" }, INPUTS);
    for (const result of results) {
      assert.equal(result.status, "rejected");
      const error = (result as PromiseRejectedResult).reason;
      assert.ok(error instanceof InputError, String(error));
      assert.match(error.message, message);
    }
  });
}

Deno.test("elbow sweep with valid rows still runs every k", async () => {
  const [a] = await runPair({ k: "1..3", init: "rows:0,2,4", "max-iter": "2" }, INPUTS);
  assert.equal(a.status, "fulfilled");
  const sweep = ((a as PromiseFulfilledResult<KmeansPartyResult>).value as KmeansElbowResult)
    .elbow;
  assert.deepEqual(sweep.map((s) => s.k), [1, 2, 3]);
});

Deno.test("a peer announcing a huge row count is refused by the memory budget at once", async () => {
  const [c0] = memoryChannelPair();
  const params = parseKmeansParams({ k: "5", init: "random" });
  const own = input(DATA);
  const job = context(0, c0, own);
  job.peerFacts = { rows: 1 << 22, cols: 2, featureNames: ["f0", "f1"] };
  const started = performance.now();
  await assert.rejects(runKmeansJob(job, params, own), (error: Error) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /^job too large: n·k·\(d\+1\) = 4194312·5·3 = \d+ exceeds/);
    assert.ok(!error.message.includes("\n"));
    return true;
  });
  assert.ok(performance.now() - started < 1000, "refused before any protocol work");
  c0.close();
});

Deno.test("the memory budget admits n·k·(d+1) up to the limit and refuses one more", () => {
  checkJobSize(MAX_JOB_CELLS / 4, 2, 1); // exactly the budget
  assert.throws(() => checkJobSize(MAX_JOB_CELLS / 4 + 1, 2, 1), /exceeds the memory budget/);
  assert.throws(() => checkJobSize(200, 5, 2 ** 24), /job too large/);
});
