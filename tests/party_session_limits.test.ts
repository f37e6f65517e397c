/**
 * Pre-handshake limits of a TCP session (security review finding 5): until the handshake and
 * coin toss are done, an unauthenticated peer cannot make a party allocate more than a hello's
 * worth of memory; afterwards the configured frame limit applies.
 */

import assert from "node:assert/strict";
import { ChannelError } from "../party/channel.ts";
import { freePort } from "../cli/launcher.ts";
import { MAX_HELLO_BYTES } from "../party/handshake.ts";
import { connectSession } from "../party/session.ts";
import { STREAM_PREAMBLE } from "../party/tcp_channel.ts";

const PARAMS = { job: "limits-test", k: 3 };

function header(length: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, length, true);
  return out;
}

Deno.test("session: a 100 MiB frame header before the handshake is refused at once", async () => {
  const port = freePort();
  const started = performance.now();
  const session = connectSession({
    role: 0,
    params: PARAMS,
    listen: { hostname: "127.0.0.1", port },
    timeouts: { connectMs: 5000, handshakeMs: 15_000 },
  });
  const outcome = session.then(
    () => assert.fail("the session must not be established"),
    (error: Error) => error,
  );
  const raw = await Deno.connect({ hostname: "127.0.0.1", port });
  // Our preamble, then the header of a 100 MiB frame and no payload: without the
  // pre-handshake limit the party would allocate 100 MiB and wait for the idle timeout (15 s).
  await raw.write(STREAM_PREAMBLE);
  await raw.write(header(100 << 20));
  const error = await outcome;
  const elapsed = performance.now() - started;
  raw.close();
  assert.ok(error instanceof ChannelError, `expected ChannelError, got ${error}`);
  assert.match(error.message, new RegExp(`104857600 bytes, over the limit of ${MAX_HELLO_BYTES}`));
  assert.ok(elapsed < 3000, `refused after ${elapsed.toFixed(0)} ms`);
});

Deno.test("session: after the handshake the configured frame limit applies", async () => {
  const port = freePort();
  const limits = { maxFrameBytes: 4 << 20 };
  const [a, b] = await Promise.all([
    connectSession({
      role: 0,
      params: PARAMS,
      listen: { hostname: "127.0.0.1", port },
      channel: limits,
    }),
    connectSession({
      role: 1,
      params: PARAMS,
      connect: { hostname: "127.0.0.1", port },
      channel: limits,
    }),
  ]);
  try {
    // Bigger than a hello may be, within the configured limit: delivered intact.
    const big = new Uint8Array(2 * MAX_HELLO_BYTES).fill(7);
    big[big.length - 1] = 9;
    a.channel.send(big.slice());
    await a.channel.flush();
    assert.deepEqual(await b.channel.recv(), big);
    // Over the configured limit: refused on send.
    assert.throws(() => b.channel.send(new Uint8Array((4 << 20) + 1)), /refusing to send/);
  } finally {
    a.channel.close();
    b.channel.close();
  }
});
