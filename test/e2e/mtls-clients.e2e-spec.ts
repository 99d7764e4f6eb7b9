import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { adminSession } from '../factories';
import { assertProblem, assertValidation } from '../factories/admin';
import { request } from '../support/http';
import { makePki, Pki } from '../support/pki';
import { startTestApp, TestApp } from '../support/test-app';

describe('registering RFC 8705 clients (POST /v1/clients)', () => {
  let app: TestApp;
  let pki: Pki;
  let token: string;
  const create = (body: Record<string, unknown>) =>
    request('POST', `${app.url}/v1/clients`, {
      token,
      json: { name: 'svc', confidential: true, grant_types: ['client_credentials'], ...body },
    });

  before(async () => {
    pki = makePki();
    app = await startTestApp();
    token = (await adminSession(app)).token;
  });
  after(() => app.close());

  it('registers tls_client_auth by subject DN without a secret, and GET shows the binding', async () => {
    const res = await create({
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=svc-a,O=Fleet',
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.client_secret, undefined);
    const got = await request('GET', `${app.url}/v1/clients/${String(res.body.client_id)}`, { token });
    assert.equal(got.body.token_endpoint_auth_method, 'tls_client_auth');
    assert.equal(got.body.tls_client_auth_subject_dn, 'CN=svc-a,O=Fleet');
    assert.equal(got.body.confidential, true);
  });

  it('shows the default methods of secret and public clients', async () => {
    const secret = await create({});
    assert.equal(secret.body.token_endpoint_auth_method, 'client_secret_basic');
    assert.ok(secret.body.client_secret);
    const pub = await create({ confidential: false, grant_types: ['password'] });
    assert.equal(pub.body.token_endpoint_auth_method, 'none');
  });

  it('asks for exactly one of subject DN and SAN for tls_client_auth', async () => {
    assertValidation(await create({ token_endpoint_auth_method: 'tls_client_auth' }), 'tls_client_auth_subject_dn');
    assertValidation(
      await create({
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=a',
        tls_client_auth_san_dns: 'a.internal',
      }),
      'tls_client_auth_subject_dn',
    );
    assertValidation(
      await create({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'not a name' }),
      'tls_client_auth_san_dns',
    );
  });

  it('requires public jwks for self_signed_tls_client_auth and refuses private members', async () => {
    assertValidation(await create({ token_endpoint_auth_method: 'self_signed_tls_client_auth' }), 'jwks');
    const key = new X509Certificate(pki.selfSigned.certPem).publicKey.export({ format: 'jwk' });
    assertValidation(
      await create({
        token_endpoint_auth_method: 'self_signed_tls_client_auth',
        jwks: { keys: [{ ...key, d: 'AAAA' }] },
      }),
      'jwks',
    );
    assertValidation(
      await create({
        token_endpoint_auth_method: 'self_signed_tls_client_auth',
        jwks: { keys: [{ kty: 'oct', k: 'AAAA' }] },
      }),
      'jwks',
    );
    const ok = await create({ token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [key] } });
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual((ok.body.jwks as { keys: unknown[] }).keys, [key]);
  });

  it('refuses certificate methods on public clients and certificate fields on secret clients', async () => {
    assertValidation(
      await create({
        confidential: false,
        grant_types: ['password'],
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_san_dns: 'a.internal',
      }),
      'token_endpoint_auth_method',
    );
    assertValidation(await create({ tls_client_auth_san_dns: 'a.internal' }), 'token_endpoint_auth_method');
  });

  it('answers 409 to a secret rotation of a certificate client', async () => {
    const res = await create({
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'svc-a.internal',
    });
    const rotated = await request('POST', `${app.url}/v1/clients/${String(res.body.client_id)}/secret`, {
      token,
      json: {},
    });
    assertProblem(rotated, 409);
  });
});
