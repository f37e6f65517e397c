/**
 * OT extension between two Deno processes over TCP loopback: this file spawns itself twice
 * (`deno run tests/ot_tcp.test.ts --party R --port P`; `Deno.test` is inert under `deno run`),
 * each party prints its outputs, and the test checks the OT relations on them.
 */

import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { Prg } from "../core/prg.ts";
import { setupOtEndpoints } from "../ot/mod.ts";
import { denoConnStream } from "../party/byte_stream.ts";
import { TcpChannel } from "../party/tcp_channel.ts";
import { testSeed } from "../testing/mpc_pair.ts";

const COUNT = 1000;
const hex = (b: Uint8Array | BigUint64Array) =>
  Array.from(
    new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
    (x) => x.toString(16).padStart(2, "0"),
  )
    .join("");
const unhex = (s: string) => Uint8Array.from(s.match(/../g)!, (x) => parseInt(x, 16));

async function party(role: 0 | 1, port: number): Promise<void> {
  let conn: Deno.TcpConn;
  if (role === 0) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    conn = await listener.accept();
    listener.close();
  } else {
    for (let attempt = 0;; attempt++) {
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
        break;
      } catch (error) {
        if (attempt > 200) throw error;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }
  const channel = new TcpChannel(denoConnStream(conn));
  const ot = await setupOtEndpoints(channel, role, new Prg(testSeed(77, role)), testSeed(77, 99));
  const correlations = new Prg(testSeed(77, 5)).ring(COUNT);
  const m0 = new Prg(testSeed(77, 6)).bytes(COUNT * 8);
  const m1 = new Prg(testSeed(77, 7)).bytes(COUNT * 8);
  const choices = new Prg(testSeed(77, 8)).bytes(COUNT / 8);
  const out: Record<string, string> = {};
  if (role === 0) {
    const rot = await ot.sender.randomOt(COUNT);
    out.m0 = hex(rot.m0);
    out.m1 = hex(rot.m1);
    out.cot = hex(await ot.sender.correlatedOt(COUNT));
    out.delta = hex(ot.sender.delta);
    out.ring = hex(await ot.sender.correlatedOtRing(correlations, 1, 64));
    await ot.sender.chosenOt(m0, m1, 8);
  } else {
    const rot = await ot.receiver.randomOt(COUNT);
    out.choices = hex(rot.choices);
    out.messages = hex(rot.messages);
    const cot = await ot.receiver.correlatedOt(COUNT);
    out.cotChoices = hex(cot.choices);
    out.cot = hex(cot.messages);
    const ring = await ot.receiver.correlatedOtRing(COUNT, 1, 64);
    out.ringChoices = hex(ring.choices);
    out.ring = hex(ring.values);
    out.chosen = hex(await ot.receiver.chosenOt(choices, COUNT, 8));
  }
  await channel.flush();
  console.log(JSON.stringify(out));
  channel.close();
}

const { values } = parseArgs({
  args: Deno.args,
  options: { party: { type: "string" }, port: { type: "string" } },
});
if (values.party !== undefined) {
  await party(Number(values.party) as 0 | 1, Number(values.port));
}

Deno.test("OT relations hold between two processes over TCP loopback", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const runs = [0, 1].map((role) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", import.meta.filename!, `--party=${role}`, `--port=${port}`],
      stdout: "piped",
      stderr: "piped",
    }).output()
  );
  const outputs = await Promise.all(runs);
  const [s, r] = outputs.map((o) => {
    assert.ok(o.success, new TextDecoder().decode(o.stderr));
    return JSON.parse(new TextDecoder().decode(o.stdout).trim()) as Record<string, string>;
  });
  const bit = (bits: Uint8Array, i: number) => (bits[i >> 3] >> (i & 7)) & 1;
  const [sm0, sm1, rChoices, rMessages] = [
    unhex(s.m0),
    unhex(s.m1),
    unhex(r.choices),
    unhex(r.messages),
  ];
  const [cot0, delta, cotChoices, cotR] = [
    unhex(s.cot),
    unhex(s.delta),
    unhex(r.cotChoices),
    unhex(r.cot),
  ];
  const ring0 = new BigUint64Array(unhex(s.ring).buffer);
  const ringR = new BigUint64Array(unhex(r.ring).buffer);
  const ringChoices = unhex(r.ringChoices);
  const correlations = new Prg(testSeed(77, 5)).ring(COUNT);
  const m0 = new Prg(testSeed(77, 6)).bytes(COUNT * 8);
  const m1 = new Prg(testSeed(77, 7)).bytes(COUNT * 8);
  const choices = new Prg(testSeed(77, 8)).bytes(COUNT / 8);
  const chosen = unhex(r.chosen);
  for (let i = 0; i < COUNT; i++) {
    const c = bit(rChoices, i);
    assert.deepEqual(
      rMessages.subarray(16 * i, 16 * i + 16),
      (c ? sm1 : sm0).subarray(16 * i, 16 * i + 16),
    );
    for (let k = 0; k < 16; k++) {
      assert.equal(cotR[16 * i + k], cot0[16 * i + k] ^ (bit(cotChoices, i) ? delta[k] : 0));
    }
    const expected = (ring0[i] + BigInt(bit(ringChoices, i)) * correlations[i]) &
      0xffffffffffffffffn;
    assert.equal(ringR[i], expected);
    const want = bit(choices, i) ? m1 : m0;
    assert.deepEqual(chosen.subarray(8 * i, 8 * i + 8), want.subarray(8 * i, 8 * i + 8));
  }
});
