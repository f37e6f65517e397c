/**
 * TLS with mutual authentication between the two parties: each side presents a certificate
 * signed by the common CA (`--tls-ca`) and refuses a peer whose certificate is not.
 *
 * Deno 2.9's `Deno.listenTls` can present a server certificate but cannot request and verify a
 * client certificate (checked: a client with no certificate, or one from another CA, is
 * accepted). The listening side therefore uses `node:tls` through Deno's Node compatibility,
 * `createServer({ requestCert: true, rejectUnauthorized: true, ca })`, which does refuse such
 * clients (verified by tests/party_tls.test.ts). The connecting side uses `Deno.connectTls`
 * with `caCerts` (server chain and host name are verified) and its own `cert`/`key`.
 * TLS 1.3 is required (both libraries default to it; we also pin the minimum).
 *
 * Security assumption: the CA key is held only by whoever provisions the two parties, so a
 * certificate signed by it identifies a legitimate party. Host names are checked on the
 * connecting side only (the listener accepts any certificate from the CA).
 *
 * @module
 */

import { createServer, type TLSSocket } from "node:tls";
import { ChannelError } from "./channel.ts";
import { type ByteStream, denoConnStream, nodeSocketStream } from "./byte_stream.ts";

/** PEM contents for mutual TLS (read from the files given on the command line). */
export interface TlsFiles {
  /** This party's certificate chain (PEM). */
  cert: string;
  /** This party's private key (PEM). */
  key: string;
  /** The CA certificate that must have signed the peer's certificate (PEM). */
  ca: string;
}

/** Reads the three PEM files; one-line errors name the file. */
export async function readTlsFiles(
  certPath: string,
  keyPath: string,
  caPath: string,
): Promise<TlsFiles> {
  const read = async (path: string, what: string) => {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      throw new ChannelError(`cannot read TLS ${what} ${path}: ${messageOf(error)}`);
    }
    if (!text.includes("-----BEGIN ")) {
      throw new ChannelError(`TLS ${what} ${path} is not a PEM file`);
    }
    return text;
  };
  return {
    cert: await read(certPath, "certificate"),
    key: await read(keyPath, "key"),
    ca: await read(caPath, "CA certificate"),
  };
}

/** Accepts one mutually authenticated TLS connection (see the module doc). */
export function listenTlsStream(
  address: { hostname: string; port: number; acceptTimeoutMs: number },
  files: TlsFiles,
  log: (line: string) => void,
): Promise<ByteStream> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let server: ReturnType<typeof createServer>;
    try {
      server = createServer({
        cert: files.cert,
        key: files.key,
        ca: [files.ca],
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: "TLSv1.3",
      });
    } catch (error) {
      reject(new ChannelError(`bad TLS certificate or key: ${messageOf(error)}`));
      return;
    }
    const finish = (error: Error | null, stream?: ByteStream) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.close();
      if (error) reject(error);
      else resolve(stream!);
    };
    const timer = setTimeout(
      () =>
        finish(new ChannelError(`no peer connected within ${address.acceptTimeoutMs / 1000} s`)),
      address.acceptTimeoutMs,
    );
    server.on("secureConnection", (socket: TLSSocket) => {
      if (!socket.authorized) {
        // rejectUnauthorized already refuses these; checked again so a library change can't
        // silently turn authentication off.
        socket.destroy();
        finish(new ChannelError(`TLS peer not authorized: ${socket.authorizationError}`));
        return;
      }
      finish(null, nodeSocketStream(socket));
    });
    server.on("tlsClientError", (error: Error) => {
      finish(
        new ChannelError(
          `TLS handshake with the connecting peer failed (no certificate signed by our CA?): ` +
            messageOf(error),
        ),
      );
    });
    server.on("error", (error: Error) => {
      finish(
        new ChannelError(
          `cannot listen on ${address.hostname}:${address.port}: ${messageOf(error)}`,
        ),
      );
    });
    server.listen(address.port, address.hostname, () => {
      const bound = server.address();
      const port = typeof bound === "object" && bound ? bound.port : address.port;
      log(`listening on ${address.hostname}:${port} (TLS, client certificate required)`);
    });
  });
}

/** Opens a mutually authenticated TLS connection; retryable errors are rethrown unchanged. */
export async function connectTlsStream(
  address: { hostname: string; port: number },
  files: TlsFiles,
): Promise<ByteStream> {
  const conn = await Deno.connectTls({
    hostname: address.hostname,
    port: address.port,
    caCerts: [files.ca],
    cert: files.cert,
    key: files.key,
  });
  try {
    await conn.handshake();
  } catch (error) {
    try {
      conn.close();
    } catch {
      // already closed
    }
    throw new ChannelError(
      `TLS handshake with ${address.hostname}:${address.port} failed: ${messageOf(error)}`,
    );
  }
  return denoConnStream(conn);
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}
