import assert from 'node:assert/strict';
import { request as httpsRequest, RequestOptions } from 'node:https';
import { connect as netConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { createUser } from '../factories';
import { introspectorClient } from '../factories/oauth';
import { basic } from '../support/http';
import { makePki, Pki } from '../support/pki';
import { startTestApp, TestApp } from '../support/test-app';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  protocol: string;
}

/** One HTTPS request that trusts the test CA (fetch cannot be given a CA without a dispatcher). */
function https(
  app: TestApp,
  pki: Pki,
  path: string,
  options: RequestOptions & { body?: string } = {},
): Promise<Answer> {
  const { body, ...rest } = options;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${app.url}${path}`, { ca: readFileSync(pki.caFile), agent: false, ...rest }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const socket = res.socket as unknown as { getProtocol?: () => string | null };
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text,
          protocol: socket.getProtocol?.() ?? '',
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the service over TLS (TLS_CERT_FILE, TLS_KEY_FILE)', () => {
  let pki: Pki;
  let app: TestApp;
  let plain: TestApp;

  before(async () => {
    pki = makePki();
    app = await startTestApp({
      TLS_CERT_FILE: pki.serverCert,
      TLS_KEY_FILE: pki.serverKey,
      TLS_CLIENT_CA_FILE: pki.caFile,
    });
    plain = await startTestApp();
  });
  after(async () => {
    await app.close();
    await plain.close();
  });

  it('speaks HTTPS with TLS 1.3, announces an https issuer, and sends HSTS', async () => {
    assert.match(app.url, /^https:/);
    const res = await https(app, pki, '/.well-known/oauth-authorization-server');
    assert.equal(res.status, 200);
    assert.equal(res.protocol, 'TLSv1.3');
    assert.equal(JSON.parse(res.body).issuer, app.config.issuer);
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
  });

  it('refuses TLS 1.2 by default', async () => {
    await assert.rejects(https(app, pki, '/health/live', { maxVersion: 'TLSv1.2' }));
  });

  it('serves the protocol edge (token and introspection) over TLS, with HSTS', async () => {
    const user = await createUser(app);
    const caller = await introspectorClient(app);
    const tokens = await new Promise<string>((resolve, reject) => {
      const form = new URLSearchParams({
        grant_type: 'password',
        client_id: 'cli',
        username: user.username,
        password: user.password,
      });
      https(app, pki, '/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      }).then(
        (r) => (r.status === 200 ? resolve(JSON.parse(r.body).access_token as string) : reject(new Error(r.body))),
        reject,
      );
    });
    const res = await https(app, pki, '/oauth/introspect', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(caller.clientId, caller.secret!) },
      body: new URLSearchParams({ token: tokens }).toString(),
    });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).active, true);
    assert.ok(res.headers['strict-transport-security']);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.ok(app.started.lane.served() > 0, 'the node:http lane served over TLS too');
  });

  it('gives plain HTTP on the TLS port no HTTP answer, and a plain-HTTP service no HSTS', async () => {
    const port = Number(new URL(app.url).port);
    const answer = await new Promise<string>((resolve) => {
      const socket = netConnect(port, '127.0.0.1', () => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    assert.ok(!answer.startsWith('HTTP/1.1 3'), 'never a redirect');
    assert.ok(!answer.includes('"status"'), 'no API content');
    const res = await fetch(`${plain.url}/health/live`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('strict-transport-security'), null);
  });
});
