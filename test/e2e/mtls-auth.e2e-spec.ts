import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createClient, createUser } from '../factories';
import { introspectorClient, createRole } from '../factories/oauth';
import { basic, postForm } from '../support/http';
import { claimsOf, mtlsPost, registerClient, thumbprint } from '../support/mtls';
import { makePki, Pki } from '../support/pki';
import { startTestApp, TestApp } from '../support/test-app';

const CC = { grant_type: 'client_credentials' };
/** One issuer for both instances, so a token of one is valid on the other. */
const ISSUER = 'https://auth.mtls.test';

describe('mutual TLS client authentication and certificate-bound tokens (RFC 8705)', () => {
  let pki: Pki;
  let tls: TestApp;
  /** A second instance on the same database, over plain HTTP: admin set-up and cross-instance introspection. */
  let plain: TestApp;
  let byDn: string;
  let bySan: string;

  before(async () => {
    // openssl ca orders the subject by its policy: RFC 4514 (`openssl x509 -nameopt RFC2253`) says O=Fleet,CN=svc-a.
    pki = makePki();
    tls = await startTestApp({
      ISSUER,
      TLS_CERT_FILE: pki.serverCert,
      TLS_KEY_FILE: pki.serverKey,
      TLS_CLIENT_CA_FILE: pki.caFile,
      TLS_CLIENT_CRL_FILE: pki.crlFile,
    });
    plain = await startTestApp({ ISSUER });
    byDn = await registerClient(plain, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'O=Fleet,CN=svc-a',
    });
    bySan = await registerClient(plain, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-a.internal',
    });
  });
  after(async () => {
    await tls.close();
    await plain.close();
  });

  const token = (clientId: string, leaf = pki.client, extra: Record<string, string> = {}) =>
    mtlsPost(tls, pki.caFile, '/oauth/token', { ...CC, client_id: clientId, ...extra }, leaf);

  it('tls_client_auth by subject DN gets a cert-bound token; the other instance introspects its cnf', async () => {
    const res = await token(byDn);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(claimsOf(res.body.access_token).cnf, { 'x5t#S256': thumbprint(pki.client) });
    const introspector = await introspectorClient(plain);
    const seen = await postForm(
      `${plain.url}/oauth/introspect`,
      { token: String(res.body.access_token) },
      basic(introspector.clientId, introspector.secret!),
    );
    assert.equal(seen.body.active, true, seen.text);
    assert.deepEqual(seen.body.cnf, { 'x5t#S256': thumbprint(pki.client) });
  });

  it('tls_client_auth by SAN DNS gets a bound token', async () => {
    const res = await token(bySan);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(claimsOf(res.body.access_token).cnf, { 'x5t#S256': thumbprint(pki.client) });
  });

  it('refuses an untrusted, expired or revoked certificate, and none at all, with 401 invalid_client', async () => {
    const expired = await registerClient(plain, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-old.internal',
    });
    const revoked = await registerClient(plain, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-revoked.internal',
    });
    const cases = {
      untrusted: await token(byDn, pki.untrusted),
      expired: await token(expired, pki.expired),
      revoked: await token(revoked, pki.revoked),
    };
    for (const [name, res] of Object.entries({
      ...cases,
      none: await mtlsPost(tls, pki.caFile, '/oauth/token', { ...CC, client_id: byDn }),
    })) {
      assert.equal(res.status, 401, `${name}: ${res.text}`);
      assert.equal(res.body.error, 'invalid_client');
    }
  });

  it('refuses a certificate client that sends a secret, even with its certificate', async () => {
    const res = await token(byDn, pki.client, { client_secret: 'cs_anything' });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.error, 'invalid_client');
  });

  it('a certificate of the wrong name does not authenticate', async () => {
    const other = await registerClient(plain, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'O=Fleet,CN=svc-b',
    });
    assert.equal((await token(other)).status, 401);
  });

  it('self_signed_tls_client_auth works with the registered key and fails with another', async () => {
    const jwk = new X509Certificate(pki.selfSigned.certPem).publicKey.export({ format: 'jwk' });
    const self = await registerClient(plain, {
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      jwks: { keys: [jwk] },
    });
    const ok = await token(self, pki.selfSigned);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(claimsOf(ok.body.access_token).cnf, { 'x5t#S256': thumbprint(pki.selfSigned) });
    assert.equal((await token(self, pki.untrusted)).status, 401);
    assert.equal((await token(self, pki.client)).status, 401);
  });

  it('a certificate client introspects and revokes with its certificate, and not without it', async () => {
    // Created through the TLS instance so its permission cache knows the new role.
    const role = await createRole(tls, ['tokens:introspect']);
    const caller = await registerClient(plain, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-a.internal',
      roles: [role],
    });
    const issued = await token(byDn);
    const form = { client_id: caller, token: String(issued.body.access_token) };
    const seen = await mtlsPost(tls, pki.caFile, '/oauth/introspect', form, pki.client);
    assert.equal(seen.status, 200, seen.text);
    assert.deepEqual(seen.body.cnf, { 'x5t#S256': thumbprint(pki.client) });
    // Cached principal: the same client_id without the certificate must not reuse it.
    const bare = await mtlsPost(tls, pki.caFile, '/oauth/introspect', form);
    assert.equal(bare.status, 401, bare.text);
    assert.equal((await mtlsPost(tls, pki.caFile, '/oauth/introspect', form, pki.untrusted)).status, 401);
    const own = await token(byDn);
    const revoked = await mtlsPost(
      tls,
      pki.caFile,
      '/oauth/revoke',
      { client_id: byDn, token: String(own.body.access_token) },
      pki.client,
    );
    assert.equal(revoked.status, 200, revoked.text);
  });

  it('a secret client is unaffected by a certificate it presents: its token is not bound', async () => {
    const client = await createClient(plain, { roles: [] });
    const res = await mtlsPost(
      tls,
      pki.caFile,
      '/oauth/token',
      { ...CC, client_id: client.clientId, client_secret: client.secret! },
      pki.client,
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(claimsOf(res.body.access_token).cnf, undefined);
  });

  it('binds user tokens of a certificate client too: password grant and refresh', async () => {
    const app = await registerClient(plain, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-a.internal',
      grant_types: ['password', 'refresh_token'],
    });
    const user = await createUser(plain);
    const login = await token(app, pki.client, {
      grant_type: 'password',
      username: user.username,
      password: user.password,
    });
    assert.equal(login.status, 200, login.text);
    assert.deepEqual(claimsOf(login.body.access_token).cnf, { 'x5t#S256': thumbprint(pki.client) });
    const refreshed = await token(app, pki.client, {
      grant_type: 'refresh_token',
      refresh_token: String(login.body.refresh_token),
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.deepEqual(claimsOf(refreshed.body.access_token).cnf, { 'x5t#S256': thumbprint(pki.client) });
    const stolen = await mtlsPost(tls, pki.caFile, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: app,
      refresh_token: String(refreshed.body.refresh_token),
    });
    assert.equal(stolen.status, 401, 'a refresh token of a certificate client is useless without the certificate');
  });
});

describe('mutual TLS through the Fastify adapter of the edge', () => {
  let pki: Pki;
  let tls: TestApp;
  let plain: TestApp;

  before(async () => {
    pki = makePki();
    plain = await startTestApp();
    const env = { TLS_CERT_FILE: pki.serverCert, TLS_KEY_FILE: pki.serverKey, TLS_CLIENT_CA_FILE: pki.caFile };
    // The node:http lane takes nothing: every edge request reaches the edge through Fastify.
    tls = await startTestApp(env, { laneTakes: () => false });
  });
  after(async () => {
    await tls.close();
    await plain.close();
  });

  it('reads the client certificate from the connection there too', async () => {
    const clientId = await registerClient(plain, {
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-a.internal',
    });
    const before = tls.started.lane.served();
    const res = await mtlsPost(tls, pki.caFile, '/oauth/token', { ...CC, client_id: clientId }, pki.client);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(claimsOf(res.body.access_token).cnf, { 'x5t#S256': thumbprint(pki.client) });
    assert.equal(tls.started.lane.served(), before, 'the lane took no request');
  });
});
