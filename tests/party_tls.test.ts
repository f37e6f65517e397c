/**
 * Mutual TLS between the parties: accepted when both certificates come from the common CA,
 * refused (on both sides, with a clear error, promptly) when either does not. The CA and
 * certificates are made fresh with the `openssl` command in a temporary directory.
 */

import assert from "node:assert/strict";
import { ChannelError } from "../party/channel.ts";
import { freePort, launchParties } from "../cli/launcher.ts";
import { connectSession, type Session } from "../party/session.ts";
import type { TlsFiles } from "../party/tls.ts";
import type { TcpChannel } from "../party/tcp_channel.ts";

async function openssl(dir: string, args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null" })
    .output();
  if (code !== 0) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
}

interface Pki {
  good: [TlsFiles, TlsFiles];
  /** A party certificate from another CA (but trusting the good CA). */
  rogue: TlsFiles;
}

async function makePki(): Promise<Pki> {
  const dir = await Deno.makeTempDir({ prefix: "ppkm-tls-test-" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  for (const ca of ["ca", "rogue-ca"]) {
    await openssl(dir, [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      `${ca}.key`,
      "-out",
      `${ca}.pem`,
      "-days",
      "2",
      "-subj",
      `/CN=${ca}`,
    ]);
  }
  for (const [name, ca] of [["a", "ca"], ["b", "ca"], ["rogue", "rogue-ca"]]) {
    await openssl(dir, [
      "req",
      ...ec,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    ]);
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.pem`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      "ext.cnf",
    ]);
  }
  const read = (file: string) => Deno.readTextFileSync(`${dir}/${file}`);
  const files = (name: string): TlsFiles => ({
    cert: read(`${name}.pem`),
    key: read(`${name}.key`),
    ca: read("ca.pem"),
  });
  const pki: Pki = { good: [files("a"), files("b")], rogue: files("rogue") };
  await Deno.remove(dir, { recursive: true });
  return pki;
}

const opensslAvailable = await new Deno.Command("openssl", { args: ["version"], stdout: "null" })
  .output().then((out) => out.code === 0, () => false);
if (!opensslAvailable) throw new Error("tests/party_tls.test.ts needs the `openssl` command");
const pki = await makePki();

function sessionPair(
  listener: TlsFiles | undefined,
  connector: TlsFiles | undefined,
): Promise<PromiseSettledResult<Session<TcpChannel>>[]> {
  const port = freePort();
  const common = {
    params: { job: "tls-test" },
    timeouts: { connectMs: 5000, handshakeMs: 3000 },
  };
  return Promise.allSettled([
    connectSession({ ...common, role: 0, listen: { hostname: "127.0.0.1", port }, tls: listener }),
    connectSession({
      ...common,
      role: 1,
      connect: { hostname: "127.0.0.1", port },
      tls: connector,
    }),
  ]);
}

function rejectionsOf(results: PromiseSettledResult<Session<TcpChannel>>[]): Error[] {
  for (const result of results) {
    if (result.status === "fulfilled") result.value.channel.close();
  }
  return results.map((result) => {
    assert.equal(result.status, "rejected", "both parties must refuse the session");
    const error = (result as PromiseRejectedResult).reason as Error;
    assert.ok(error instanceof ChannelError, String(error));
    assert.ok(!error.message.includes("\n"));
    return error;
  });
}

Deno.test("TLS: both certificates signed by the CA -> session established, data flows", async () => {
  const results = await sessionPair(pki.good[0], pki.good[1]);
  const [s0, s1] = results.map((r) => {
    assert.equal(r.status, "fulfilled", String((r as PromiseRejectedResult).reason));
    return (r as PromiseFulfilledResult<Session<TcpChannel>>).value;
  });
  try {
    assert.deepEqual(s0.jointSeed, s1.jointSeed);
    const big = new Uint8Array(3 << 20).map((_, i) => i * 7);
    s1.channel.send(big.slice());
    await s1.channel.flush();
    assert.deepEqual(await s0.channel.recv(), big);
  } finally {
    s0.channel.close();
    s1.channel.close();
  }
});

Deno.test("TLS: a connecting peer whose certificate is from another CA is refused", async () => {
  const started = Date.now();
  const [listenerError, connectorError] = rejectionsOf(await sessionPair(pki.good[0], pki.rogue));
  assert.match(listenerError.message, /TLS handshake with the connecting peer failed/);
  assert.match(connectorError.message, /peer refused our certificate|closed|TLS/);
  assert.ok(Date.now() - started < 5000);
});

Deno.test("TLS: a listening peer whose certificate is from another CA is refused", async () => {
  const started = Date.now();
  const [listenerError, connectorError] = rejectionsOf(await sessionPair(pki.rogue, pki.good[1]));
  assert.match(connectorError.message, /TLS handshake with 127\.0\.0\.1:\d+ failed/);
  assert.match(listenerError.message, /TLS handshake with the connecting peer failed/);
  assert.ok(Date.now() - started < 5000);
});

Deno.test("TLS: a client presenting no certificate is refused", async () => {
  const port = freePort();
  const listening = connectSession({
    role: 0,
    params: {},
    listen: { hostname: "127.0.0.1", port },
    tls: pki.good[0],
    timeouts: { connectMs: 5000, handshakeMs: 3000 },
  });
  listening.catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 100));
  const conn = await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [pki.good[0].ca] });
  await conn.handshake().catch(() => {});
  await assert.rejects(listening, /TLS handshake with the connecting peer failed/);
  conn.close();
});

Deno.test("TLS: a plain-TCP peer talking to a TLS listener fails on both sides", async () => {
  const [listenerError, connectorError] = rejectionsOf(await sessionPair(pki.good[0], undefined));
  assert.match(listenerError.message, /TLS handshake/);
  assert.match(connectorError.message, /closed|reset|failed|protocol/);
});

Deno.test("TLS through the CLI: two processes with CA-signed certificates run a job", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ppkm-tls-cli-" });
  try {
    const write = async (name: string, files: TlsFiles) => {
      await Deno.writeTextFile(`${dir}/${name}.pem`, files.cert);
      await Deno.writeTextFile(`${dir}/${name}.key`, files.key);
      return ["--tls-cert", `${dir}/${name}.pem`, "--tls-key", `${dir}/${name}.key`];
    };
    await Deno.writeTextFile(`${dir}/ca.pem`, pki.good[0].ca);
    const common = ["--job", "net-bench", "--stream-mib", "8", "--pings", "20", "--verify"];
    const good = await launchParties({
      commonArgs: [...common, "--tls-ca", `${dir}/ca.pem`],
      partyArgs: [await write("a", pki.good[0]), await write("b", pki.good[1])],
      log: () => {},
    });
    assert.deepEqual(good.exitCodes, [0, 0]);
    const lines: string[] = [];
    const refused = await launchParties({
      commonArgs: [...common, "--tls-ca", `${dir}/ca.pem`],
      partyArgs: [await write("a", pki.good[0]), await write("rogue", pki.rogue)],
      log: (line) => lines.push(line),
      errorLog: (line) => lines.push(line),
    });
    assert.notEqual(refused.exitCodes[0], 0);
    assert.notEqual(refused.exitCodes[1], 0);
    assert.ok(lines.some((line) => /^\[A\] error: TLS handshake/.test(line)), lines.join("\n"));
    assert.ok(lines.some((line) => /^\[B\] error: /.test(line)), lines.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
