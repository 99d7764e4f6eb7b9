import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postForm } from '../support/http';
import { claimsOf, registerClient, thumbprint } from '../support/mtls';
import { makePki, Pki } from '../support/pki';
import { startTestApp, TestApp } from '../support/test-app';

const HEADER = 'x-client-cert';

describe('a client certificate forwarded by a proxy (TLS_CLIENT_CERT_HEADER, TRUSTED_PROXIES)', () => {
  let pki: Pki;
  /** The tests connect from 127.0.0.1: a trusted proxy for this instance... */
  let trusting: TestApp;
  /** ...and not for this one. */
  let distrusting: TestApp;
  let clientId: string;

  before(async () => {
    pki = makePki();
    const common = { TLS_CLIENT_CA_FILE: pki.caFile, TLS_CLIENT_CRL_FILE: pki.crlFile, TLS_CLIENT_CERT_HEADER: HEADER };
    trusting = await startTestApp({ ...common, TRUSTED_PROXIES: '127.0.0.1' });
    distrusting = await startTestApp({ ...common, TRUSTED_PROXIES: '10.0.0.0/8' });
    clientId = await registerClient(trusting, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-a.internal',
    });
  });
  after(async () => {
    await trusting.close();
    await distrusting.close();
  });

  const token = (app: TestApp, pem: string, id = clientId) =>
    postForm(
      `${app.url}/oauth/token`,
      { grant_type: 'client_credentials', client_id: id },
      { [HEADER]: encodeURIComponent(pem) },
    );

  it('honours the forwarded certificate from a trusted proxy and binds the token to it', async () => {
    const res = await token(trusting, pki.client.certPem);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(claimsOf(res.body.access_token).cnf, { 'x5t#S256': thumbprint(pki.client) });
  });

  it('ignores the header from an address that is not a trusted proxy', async () => {
    const res = await token(distrusting, pki.client.certPem);
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.error, 'invalid_client');
  });

  it('judges a forwarded certificate as a presented one: untrusted, expired, revoked or garbage is none', async () => {
    const expired = await registerClient(trusting, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-old.internal',
    });
    const revoked = await registerClient(trusting, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-revoked.internal',
    });
    const answers = {
      untrusted: await token(trusting, pki.untrusted.certPem),
      expired: await token(trusting, pki.expired.certPem, expired),
      revoked: await token(trusting, pki.revoked.certPem, revoked),
      garbage: await token(trusting, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----'),
      absent: await postForm(`${trusting.url}/oauth/token`, { grant_type: 'client_credentials', client_id: clientId }),
    };
    for (const [name, res] of Object.entries(answers)) assert.equal(res.status, 401, `${name}: ${res.text}`);
  });
});
