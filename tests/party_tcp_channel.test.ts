/**
 * TCP channel behaviour over real loopback sockets in one process: big bidirectional streams,
 * interleaved small frames, and every failure mode (peer gone, truncated frame, oversized
 * frame, garbage instead of our protocol, idle peer) ending in a ChannelError, never a hang.
 */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { ChannelError } from "../party/channel.ts";
import { connectToPeer, listenForPeer } from "../party/net.ts";
import { freePort } from "../cli/launcher.ts";
import { STREAM_PREAMBLE, TcpChannel, type TcpChannelOptions } from "../party/tcp_channel.ts";
import { memoryChannelPair } from "../party/memory_channel.ts";
import { Prg } from "../core/prg.ts";
import type { Channel } from "../party/channel.ts";

async function tcpPair(options: TcpChannelOptions = {}): Promise<[TcpChannel, TcpChannel]> {
  const port = freePort();
  const [a, b] = await Promise.all([
    listenForPeer({ hostname: "127.0.0.1", port, acceptTimeoutMs: 5000 }),
    connectToPeer({ hostname: "127.0.0.1", port, deadlineMs: 5000 }),
  ]);
  return [new TcpChannel(a, options), new TcpChannel(b, options)];
}

/** Our channel on one side, a raw TCP socket (the "peer" under test control) on the other. */
async function channelAndRawPeer(
  options: TcpChannelOptions = {},
): Promise<[TcpChannel, Deno.TcpConn]> {
  const port = freePort();
  const [stream, raw] = await Promise.all([
    listenForPeer({ hostname: "127.0.0.1", port, acceptTimeoutMs: 5000 }),
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return await Deno.connect({ hostname: "127.0.0.1", port });
    })(),
  ]);
  return [new TcpChannel(stream, options), raw];
}

function header(length: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, length, true);
  return out;
}

async function expectChannelError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.ok(error instanceof ChannelError, `expected ChannelError, got ${error}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes("\n"), "one-line message");
    return true;
  });
}

/** Streams `total` bytes of a seeded PRG each way at once in `frameBytes` frames; checks them. */
async function streamBothWays(
  a: Channel,
  b: Channel,
  total: number,
  frameBytes: number,
): Promise<void> {
  const side = async (self: Channel, sendSeed: number, recvSeed: number) => {
    const seed = (n: number) => new Uint8Array(16).fill(n);
    const out = new Prg(seed(sendSeed));
    const expected = new Prg(seed(recvSeed));
    const sender = (async () => {
      for (let sent = 0; sent < total; sent += frameBytes) {
        self.send(out.bytes(Math.min(frameBytes, total - sent)));
        await self.flush();
      }
    })();
    let received = 0;
    while (received < total) {
      const frame = await self.recv();
      const want = expected.bytes(frame.length);
      assert.ok(Buffer.from(frame).equals(Buffer.from(want)), `bytes differ at ${received}`);
      received += frame.length;
    }
    assert.equal(received, total);
    await sender;
  };
  await Promise.all([side(a, 1, 2), side(b, 2, 1)]);
}

Deno.test("TCP: 256 MiB streamed in both directions at once arrive intact", async () => {
  const [a, b] = await tcpPair();
  try {
    await streamBothWays(a, b, 256 << 20, 32 << 20);
    assert.equal(a.stats.total.bytesSent, 256 << 20);
    assert.equal(b.stats.total.bytesReceived, 256 << 20);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("in-memory pair: the same bidirectional stream arrives intact", async () => {
  const [a, b] = memoryChannelPair();
  await streamBothWays(a, b, 8 << 20, 1 << 20);
});

Deno.test("TCP: many small interleaved frames keep order and sizes, including empty ones", async () => {
  const [a, b] = await tcpPair();
  try {
    const count = 5000;
    const run = async (self: Channel, tag: number) => {
      const sender = (async () => {
        for (let i = 0; i < count; i++) {
          const frame = new Uint8Array(i % 7 === 0 ? 0 : 1 + (i % 300)).fill((i + tag) & 0xff);
          self.send(frame);
          if (i % 13 === 0) await self.flush();
        }
        await self.flush();
      })();
      for (let i = 0; i < count; i++) {
        const frame = await self.recv();
        assert.equal(frame.length, i % 7 === 0 ? 0 : 1 + (i % 300));
        assert.ok(frame.every((byte) => byte === ((i + 1 - tag) & 0xff)));
      }
      await sender;
    };
    await Promise.all([run(a, 0), run(b, 1)]);
    assert.equal(a.stats.total.messagesSent, count);
    assert.equal(a.stats.total.messagesReceived, count);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("TCP: request/response exchanges count one round per change of direction", async () => {
  const [a, b] = await tcpPair();
  try {
    for (let i = 0; i < 10; i++) {
      a.send(new Uint8Array([i]));
      await a.flush();
      const got = await b.recv();
      b.send(got);
      await b.flush();
      assert.deepEqual(await a.recv(), new Uint8Array([i]));
    }
    assert.equal(a.stats.total.rounds, 10);
    assert.equal(b.stats.total.rounds, 10);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("TCP: frames sent before the peer closed are still delivered, then a clear error", async () => {
  const [a, b] = await tcpPair();
  a.send(new Uint8Array([1, 2, 3]));
  await a.closeGracefully();
  assert.deepEqual(await b.recv(), new Uint8Array([1, 2, 3]));
  await expectChannelError(b.recv(), /closed the connection/);
  await expectChannelError(b.flush().then(() => b.recv()), /closed the connection/);
  b.close();
});

Deno.test("TCP: a peer that disconnects mid-frame fails the pending recv (truncated)", async () => {
  const [channel, raw] = await channelAndRawPeer();
  const pending = channel.recv();
  await raw.write(STREAM_PREAMBLE);
  await raw.write(header(1000));
  await raw.write(new Uint8Array(10));
  raw.close();
  await expectChannelError(pending, /middle of a frame|truncated/);
  channel.close();
});

Deno.test("TCP: a peer that disconnects mid-stream fails the streaming side quickly", async () => {
  const [a, b] = await tcpPair();
  const started = Date.now();
  const sender = (async () => {
    for (;;) {
      a.send(new Uint8Array(1 << 20));
      await a.flush();
    }
  })();
  await b.recv();
  b.close();
  await expectChannelError(sender, /failed|closed|reset|broken/i);
  assert.ok(Date.now() - started < 5000);
  a.close();
});

Deno.test("TCP: a frame longer than the limit is refused before allocation", async () => {
  const [channel, raw] = await channelAndRawPeer({ maxFrameBytes: 1 << 20 });
  await raw.write(STREAM_PREAMBLE);
  await raw.write(header(0xfffffff0));
  await expectChannelError(channel.recv(), /frame of 4294967280 bytes, over the limit of 1048576/);
  raw.close();
  channel.close();
});

Deno.test("TCP: sending a frame over the limit throws at once", async () => {
  const [a, b] = await tcpPair({ maxFrameBytes: 1024 });
  try {
    assert.throws(() => a.send(new Uint8Array(1025)), ChannelError);
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("TCP: bytes that are not our protocol are rejected with a clear error", async () => {
  const [channel, raw] = await channelAndRawPeer();
  await raw.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  await expectChannelError(channel.recv(), /does not speak this protocol.*"GET \/ HT"/);
  raw.close();
  channel.close();
});

Deno.test("TCP: a silent peer trips the idle timeout instead of hanging", async () => {
  const [channel, raw] = await channelAndRawPeer({ idleTimeoutMs: 300 });
  await raw.write(STREAM_PREAMBLE);
  const started = Date.now();
  await expectChannelError(channel.recv(), /idle timeout/);
  assert.ok(Date.now() - started < 3000);
  raw.close();
  channel.close();
});

Deno.test("TCP: a peer that stops reading trips the write timeout", async () => {
  const [channel, raw] = await channelAndRawPeer({ idleTimeoutMs: 400 });
  await raw.write(STREAM_PREAMBLE);
  // The raw peer never reads: kernel buffers fill, then writes stall.
  channel.send(new Uint8Array(64 << 20));
  await expectChannelError(channel.flush(), /stopped reading.*write timeout/);
  raw.close();
  channel.close();
});

Deno.test("TCP: close() rejects a pending recv and later operations", async () => {
  const [a, b] = await tcpPair();
  const pending = a.recv();
  a.close();
  await expectChannelError(pending, /channel closed/);
  assert.throws(() => a.send(new Uint8Array(1)), ChannelError);
  await expectChannelError(b.recv(), /closed the connection/);
  b.close();
});

Deno.test("TCP: a reader far behind pauses the socket instead of buffering everything", async () => {
  const [a, b] = await tcpPair({ receiveBufferBytes: 1 << 20 });
  try {
    for (let i = 0; i < 64; i++) a.send(new Uint8Array(1 << 20).fill(i));
    let flushed = false;
    const flushing = a.flush().then(() => (flushed = true));
    // b reads nothing: it may buffer ~1 MiB plus kernel socket buffers, far below 64 MiB, so
    // the sender must be held back by TCP flow control.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(flushed, false, "64 MiB were absorbed without the receiver reading");
    for (let i = 0; i < 64; i++) assert.equal((await b.recv())[0], i);
    await flushing;
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("connect: retries until the listener appears, and gives up at the deadline", async () => {
  const port = freePort();
  const connecting = connectToPeer({ hostname: "127.0.0.1", port, deadlineMs: 5000 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const listening = listenForPeer({ hostname: "127.0.0.1", port, acceptTimeoutMs: 5000 });
  const [x, y] = await Promise.all([connecting, listening]);
  x.close();
  y.close();
  const started = Date.now();
  await expectChannelError(
    connectToPeer({ hostname: "127.0.0.1", port: freePort(), deadlineMs: 400 }),
    /cannot connect to 127\.0\.0\.1:\d+ within 0\.4 s/,
  );
  assert.ok(Date.now() - started < 2000);
});

Deno.test("listen: no peer within the accept timeout is a clear error", async () => {
  await expectChannelError(
    listenForPeer({ hostname: "127.0.0.1", port: freePort(), acceptTimeoutMs: 200 }),
    /no peer connected within 0\.2 s/,
  );
});

Deno.test("listen: a non-loopback address without TLS prints a warning (to warn, not log)", async () => {
  const lines: string[] = [];
  const warnings: string[] = [];
  await listenForPeer({
    hostname: "0.0.0.0",
    port: freePort(),
    acceptTimeoutMs: 50,
    log: (line) => lines.push(line),
    warn: (line) => warnings.push(line),
  }).catch(() => {});
  assert.ok(warnings.some((line) => /warning: .*without TLS/.test(line)), warnings.join("|"));
  assert.ok(!lines.some((line) => /warning/.test(line)), lines.join("|"));
});
