import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:tls';
import { makePki } from '../../test/support/pki';

/** The files a TLS instance is started with; made fresh for every run, removed with `remove()`. */
export interface BenchPki {
  caFile: string;
  certFile: string;
  keyFile: string;
  remove(): void;
}

/** A throw-away CA and a server certificate for 127.0.0.1, made with openssl as the TLS tests make theirs. */
export function makeBenchPki(): BenchPki {
  const pki = makePki();
  return {
    caFile: pki.caFile,
    certFile: pki.serverCert,
    keyFile: pki.serverKey,
    remove: () => rmSync(pki.dir, { recursive: true, force: true }),
  };
}

/** GET over HTTPS trusting `caFile` (fetch cannot be given a CA): the status, or a rejection. */
export function httpsStatus(url: string, caFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: readFileSync(caFile), agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

/** What the handshake with the service settled on. */
export interface Handshake {
  protocol: string | null;
  cipher: string;
  /** The certificate chains to the run's CA and names 127.0.0.1. */
  authorized: boolean;
}

/** One TLS handshake, nothing sent: the protocol and cipher the server chose when offered 1.2 and 1.3. */
export function handshake(url: string, caFile: string): Promise<Handshake> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: readFileSync(caFile), minVersion: 'TLSv1.2' });
    socket.once('secureConnect', () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name, authorized: socket.authorized };
      socket.end();
      resolve(result);
    });
    socket.once('error', reject);
  });
}
