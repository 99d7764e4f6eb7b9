import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo, connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { connect, ConnectionOptions, TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { TlsConfig } from '../../src/config/tls-config';
import { clientCertificate } from '../../src/tls/client-certificate';
import { TlsFiles } from '../../src/tls/tls-files';
import { makePki, Pki, PkiLeaf } from '../support/pki';

const silent = pino({ level: 'silent' });

/** An HTTPS server on TlsFiles that answers with what it saw of the client certificate. */
async function start(config: TlsConfig): Promise<{ server: Server; files: TlsFiles; port: number }> {
  const files = new TlsFiles(config, silent);
  const server = createServer(files.serverOptions(), (req, res) => {
    const cert = clientCertificate(req.socket);
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify(cert ? { chained: cert.chained, thumbprint: cert.thumbprint, dns: cert.sanDns } : { none: true }),
    );
  });
  files.watch(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, files, port: (server.address() as AddressInfo).port };
}

async function stop(s: { server: Server; files: TlsFiles }): Promise<void> {
  s.files.close();
  s.server.closeAllConnections();
  await new Promise((resolve) => s.server.close(resolve));
}

/** One request on a fresh connection; resolves with the negotiated protocol, the server certificate and the body. */
function call(
  port: number,
  pki: Pki,
  options: ConnectionOptions = {},
): Promise<{ protocol: string; server: string; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect(
      { host: '127.0.0.1', port, ca: readFileSync(pki.caFile), servername: 'localhost', ...options },
      () => {
        socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      },
    );
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const body = data.slice(data.indexOf('\r\n\r\n') + 4);
      const server = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      resolve({ protocol: socket.getProtocol() ?? '', server, body: JSON.parse(body) as Record<string, unknown> });
    });
  });
}

const withCert = (leaf: PkiLeaf): ConnectionOptions => ({ cert: leaf.certPem, key: leaf.keyPem });
const fingerprint = (file: string): string => new X509Certificate(readFileSync(file)).fingerprint256;

describe('TLS server (TlsFiles, clientCertificate)', () => {
  let pki: Pki;
  let strict: { server: Server; files: TlsFiles; port: number };
  let config: TlsConfig;

  before(async () => {
    pki = makePki();
    const certFile = join(pki.dir, 'live.crt');
    const keyFile = join(pki.dir, 'live.key');
    copyFileSync(pki.serverCert, certFile);
    copyFileSync(pki.serverKey, keyFile);
    config = { certFile, keyFile, minVersion: 'TLSv1.3', clientCaFile: pki.caFile, clientCrlFile: pki.crlFile };
    strict = await start(config);
  });
  after(() => stop(strict));

  it('speaks TLS 1.3 and refuses TLS 1.2 by default', async () => {
    assert.equal((await call(strict.port, pki)).protocol, 'TLSv1.3');
    await assert.rejects(call(strict.port, pki, { maxVersion: 'TLSv1.2' }));
  });

  it('with TLS_MIN_VERSION=TLSv1.2 accepts ECDHE with AEAD, and no CBC suite', async () => {
    const lax = await start({ ...config, minVersion: 'TLSv1.2' });
    try {
      const ok = await call(lax.port, pki, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
      assert.equal(ok.protocol, 'TLSv1.2');
      await assert.rejects(
        call(lax.port, pki, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256:AES128-SHA' }),
      );
    } finally {
      await stop(lax);
    }
  });

  it('asks for a client certificate without requiring one, and says which ones verified', async () => {
    assert.deepEqual((await call(strict.port, pki)).body, { none: true });
    const good = await call(strict.port, pki, withCert(pki.client));
    assert.equal(good.body.chained, true);
    assert.deepEqual(good.body.dns, ['svc-a.internal']);
    const der = new X509Certificate(pki.client.certPem).raw;
    assert.equal(good.body.thumbprint, createHash('sha256').update(der).digest('base64url'));
    for (const leaf of [pki.expired, pki.revoked, pki.untrusted, pki.selfSigned]) {
      const res = await call(strict.port, pki, withCert(leaf));
      assert.equal(res.body.chained, false, `${leaf.cert} must not count as verified`);
    }
  });

  it('answers no HTTP to plain HTTP on the TLS port (never a redirect)', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = netConnect(strict.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    assert.ok(!answer.startsWith('HTTP/1.1 3'), 'a plain-HTTP request must never be redirected');
    assert.ok(!/location:/i.test(answer));
  });

  it('rotates the certificate when the files change, with no failed request under load', async () => {
    const before = fingerprint(pki.serverCert);
    assert.equal((await call(strict.port, pki)).server, before);
    let failures = 0;
    let served = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        await call(strict.port, pki).then(
          () => served++,
          () => failures++,
        );
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    copyFileSync(pki.serverCert2, config.certFile);
    copyFileSync(pki.serverKey2, config.keyFile);
    const after = fingerprint(pki.serverCert2);
    const deadline = Date.now() + 5_000;
    let seen = '';
    while (Date.now() < deadline && seen !== after) {
      seen = (await call(strict.port, pki)).server;
      await new Promise((r) => setTimeout(r, 100));
    }
    running = false;
    await load;
    assert.equal(seen, after, 'the new certificate was not served within 5 s');
    assert.equal(failures, 0);
    assert.ok(served > 5);
  });
});
