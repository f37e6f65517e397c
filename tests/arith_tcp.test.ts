import assert from "node:assert/strict";
import { connectSession } from "../party/session.ts";
import { Prg } from "../core/prg.ts";
import { setupOtEndpoints } from "../ot/mod.ts";
import type { MpcContext } from "../protocol/context.ts";
import { PreprocessingStore } from "../protocol/preprocessing.ts";
import { beaverMultiply, squareShared } from "../protocol/beaver.ts";
import { open, shareInput } from "../protocol/sharing.ts";

const M = 1n << 64n;
const mod = (x: bigint) => ((x % M) + M) % M;

async function tcpContext(role: 0 | 1, port: number): Promise<MpcContext> {
  const address = { hostname: "127.0.0.1", port };
  const session = await connectSession({
    role,
    params: { test: "arith-tcp" },
    testSeed: new Uint8Array(16).fill(5),
    ...(role === 0 ? { listen: address } : { connect: address }),
  });
  const prg = new Prg(session.privateSeed);
  const ot = await setupOtEndpoints(session.channel, role, prg, session.sessionId);
  return { role, channel: session.channel, prg, jointPrg: new Prg(session.jointSeed), ot };
}

Deno.test("dealer-free multiplication and squaring over real TCP equal the ring results", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const pair = await Promise.all([tcpContext(0, port), tcpContext(1, port)]);
  try {
    const n = 300;
    const x = pair[0].prg.ring(n);
    const y = pair[1].prg.ring(n);
    const xs = [shareInput(pair[0], 0, x, n), shareInput(pair[1], 0, null, n)];
    const ys = [shareInput(pair[0], 1, null, n), shareInput(pair[1], 1, y, n)];
    const results = await Promise.all(pair.map(async (ctx) => {
      const store = new PreprocessingStore(ctx, { chunkSize: 128 });
      await store.generate({ triples: n, squarePairs: n });
      const me = ctx.role;
      const product = await beaverMultiply(ctx, xs[me], ys[me], await store.takeTriples(n));
      const square = await squareShared(ctx, xs[me], await store.takeSquarePairs(n));
      return [await open(ctx, product), await open(ctx, square)];
    }));
    for (let i = 0; i < n; i++) {
      assert.equal(results[0][0][i], mod(x[i] * y[i]));
      assert.equal(results[1][1][i], mod(x[i] * x[i]));
    }
  } finally {
    pair.forEach((ctx) => ctx.channel.close());
  }
});
