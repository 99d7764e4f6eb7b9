import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { claimsOf, mtlsPost, registerClient, thumbprint } from '../support/mtls';
import { makePki, Pki } from '../support/pki';
import { startTestApp, TestApp } from '../support/test-app';

const ISSUER = 'https://auth.crl.test';

describe('a CRL replaced while the service runs (TLS_CLIENT_CRL_FILE)', () => {
  let pki: Pki;
  let tls: TestApp;
  let plain: TestApp;

  before(async () => {
    pki = makePki();
    tls = await startTestApp({
      ISSUER,
      TLS_CERT_FILE: pki.serverCert,
      TLS_KEY_FILE: pki.serverKey,
      TLS_CLIENT_CA_FILE: pki.caFile,
      TLS_CLIENT_CRL_FILE: pki.crlFile,
    });
    plain = await startTestApp({ ISSUER });
  });
  after(async () => {
    await tls.close();
    await plain.close();
  });

  it('refuses a certificate revoked after it worked, on new and kept-alive connections, within seconds', async () => {
    const clientId = await registerClient(plain, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-a.internal',
    });
    const form = { grant_type: 'client_credentials', client_id: clientId };
    const kept = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await mtlsPost(tls, pki.caFile, '/oauth/token', form, pki.client, kept);
      assert.equal(before.status, 200, before.text);
      assert.deepEqual(claimsOf(before.body.access_token).cnf, { 'x5t#S256': thumbprint(pki.client) });

      // Revoke with the test CA and write the new CRL over the configured file, as an operator would.
      const ca = (args: string[]): void =>
        void execFileSync('openssl', ['ca', '-batch', '-config', 'ca.cnf', ...args], { cwd: pki.dir, stdio: 'pipe' });
      ca(['-revoke', 'client.crt']);
      ca(['-gencrl', '-out', 'crl-next.pem']);
      writeFileSync(pki.crlFile, readFileSync(join(pki.dir, 'crl-next.pem')));

      let fresh = 200;
      let alive = 200;
      for (let i = 0; i < 50 && (fresh !== 401 || alive !== 401); i++) {
        await sleep(200);
        fresh = (await mtlsPost(tls, pki.caFile, '/oauth/token', form, pki.client)).status;
        alive = (await mtlsPost(tls, pki.caFile, '/oauth/token', form, pki.client, kept)).status;
      }
      assert.equal(fresh, 401, 'a new connection with the revoked certificate');
      assert.equal(alive, 401, 'the connection that was open before the revocation');
    } finally {
      kept.destroy();
    }
  });
});
