/**
 * The job runner's closing agreement: every job ends with one agreement byte each way, so a
 * party reports success only once its peer's run succeeded too.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ChannelError, memoryChannelPair } from "../party/mod.ts";
import { closingAgreement, runParty } from "../jobs/runner.ts";
import type { PartyJob } from "../jobs/job.ts";
import { freePort } from "../cli/launcher.ts";

Deno.test("closing agreement: both sides send one byte in phase close and resolve", async () => {
  const [a, b] = memoryChannelPair();
  await Promise.all([closingAgreement(a), closingAgreement(b)]);
  for (const channel of [a, b]) {
    const close = channel.stats.snapshot().byPhase.close;
    assert.equal(close.bytesSent, 1);
    assert.equal(close.bytesReceived, 1);
  }
  a.close();
});

Deno.test("closing agreement: a wrong final byte or a longer frame is a ChannelError", async () => {
  for (const frame of [Uint8Array.of(0), Uint8Array.of(0x6b, 0x6b)]) {
    const [a, b] = memoryChannelPair();
    b.send(frame);
    await assert.rejects(closingAgreement(a), (error: Error) => {
      assert.ok(error instanceof ChannelError);
      assert.match(error.message, /unexpected final message/);
      return true;
    });
    a.close();
  }
});

Deno.test("closing agreement: a peer that closed instead of agreeing makes it reject", async () => {
  const [a, b] = memoryChannelPair();
  b.close();
  await assert.rejects(closingAgreement(a), ChannelError);
});

/** A job whose run sends one message each way; `fail` makes party `fail` throw afterwards. */
function pingJob(fail: 0 | 1 | null): PartyJob {
  return {
    name: "ping",
    summary: "one message each way (test job)",
    options: {},
    prepare: () =>
      Promise.resolve({
        params: {},
        run: async (ctx) => {
          ctx.channel.send(Uint8Array.of(ctx.role));
          await ctx.channel.flush();
          const got = await ctx.channel.recv();
          if (ctx.role === fail) throw new Error("local failure after the last protocol message");
          return got[0];
        },
      }),
  };
}

async function runBoth(fail: 0 | 1 | null): Promise<PromiseSettledResult<unknown>[]> {
  const port = freePort();
  const common = { jobValues: {}, timeouts: { connectMs: 10_000, idleMs: 10_000 }, log: () => {} };
  return await Promise.allSettled([
    runParty({ ...common, job: pingJob(fail), role: 0, listen: { hostname: "127.0.0.1", port } }),
    runParty({ ...common, job: pingJob(fail), role: 1, connect: { hostname: "127.0.0.1", port } }),
  ]);
}

Deno.test("runner: both parties succeed and report the peer's message", async () => {
  const [a, b] = await runBoth(null);
  assert.equal(a.status, "fulfilled");
  assert.equal(b.status, "fulfilled");
  assert.equal((a as PromiseFulfilledResult<{ result: number }>).value.result, 1);
  assert.equal((b as PromiseFulfilledResult<{ result: number }>).value.result, 0);
});

for (const failing of [0, 1] as const) {
  Deno.test(`runner: party ${failing} fails after the last message, so neither succeeds`, async () => {
    const outcomes = await runBoth(failing);
    assert.equal(outcomes[failing].status, "rejected");
    const survivor = outcomes[1 - failing];
    assert.equal(survivor.status, "rejected", "the peer's failure must not end in success");
    assert.ok((survivor as PromiseRejectedResult).reason instanceof ChannelError);
  });
}
