import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { createUser, login } from '../factories';

describe('discovery, JWKS and stock clients', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('publishes RFC 8414 metadata', async () => {
    const res = await request(`GET`, `${app.url}/.well-known/oauth-authorization-server`);
    assert.equal(res.status, 200);
    const m = res.body;
    assert.equal(m.issuer, app.config.issuer);
    assert.equal(m.token_endpoint, `${app.config.issuer}/oauth/token`);
    assert.equal(m.jwks_uri, `${app.config.issuer}/.well-known/jwks.json`);
    assert.equal(m.introspection_endpoint, `${app.config.issuer}/oauth/introspect`);
    assert.equal(m.revocation_endpoint, `${app.config.issuer}/oauth/revoke`);
    assert.deepEqual([...(m.grant_types_supported as string[])].sort(), [
      'client_credentials',
      'password',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
    assert.deepEqual(m.token_endpoint_auth_methods_supported, [
      'client_secret_basic',
      'client_secret_post',
      'tls_client_auth',
      'self_signed_tls_client_auth',
      'none',
    ]);
    assert.equal(m.tls_client_certificate_bound_access_tokens, true);
    assert.ok(Array.isArray(m.introspection_endpoint_auth_methods_supported));
    assert.ok(Array.isArray(m.revocation_endpoint_auth_methods_supported));
    assert.ok((m.scopes_supported as string[]).includes('tokens:introspect'));
    assert.deepEqual(m.response_types_supported, []);
  });

  it('publishes public signing keys only', async () => {
    const res = await request<{ keys: Record<string, unknown>[] }>('GET', `${app.url}/.well-known/jwks.json`);
    assert.ok(res.body.keys.length >= 1);
    for (const key of res.body.keys) {
      assert.ok(key.kid && key.kty && key.alg);
      assert.equal(key.use, 'sig');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[secret], undefined);
    }
  });

  it('verifies an access token offline with jose createRemoteJWKSet', async () => {
    const user = await createUser(app);
    const tokens = await login(app, user);
    const jwks = createRemoteJWKSet(new URL(`${app.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: app.config.issuer,
      audience: app.config.accessTokenAudience,
      typ: 'at+jwt',
    });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.sub, user.id);
  });

  it('runs the password and refresh grants with openid-client', async () => {
    const user = await createUser(app);
    const config = await oidc.discovery(new URL(app.url), 'cli', undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
      algorithm: 'oauth2',
    });
    const tokens = await oidc.genericGrantRequest(config, 'password', {
      username: user.username,
      password: user.password,
    });
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.access_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  });
});
