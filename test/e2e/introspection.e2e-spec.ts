import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basic, postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { auditRows, createClient, createUser, login, TestClient } from '../factories';
import { createRole, introspectorClient } from '../factories/oauth';
import { Database } from '../../src/database/database.service';

describe('POST /oauth/introspect', () => {
  let app: TestApp;
  let caller: TestClient;
  const introspect = (
    token: string,
    extra: Record<string, string> = {},
    auth = basic(caller.clientId, caller.secret!),
  ) => postForm(`${app.url}/oauth/introspect`, { token, ...extra }, auth);

  before(async () => {
    app = await startTestApp();
    caller = await introspectorClient(app);
  });
  after(() => app.close());

  it('describes an active user access token with every contract field', async () => {
    const user = await createUser(app, { roles: ['reader'] });
    const tokens = await login(app, user);
    const res = await introspect(tokens.access_token);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const b = res.body;
    assert.equal(b.active, true);
    assert.equal(b.token_type, 'Bearer');
    assert.equal(b.sub, user.id);
    assert.equal(b.username, user.username);
    assert.equal(b.client_id, 'cli');
    assert.equal(b.scope, tokens.scope);
    assert.deepEqual(b.roles, ['reader']);
    assert.deepEqual(b.amr, ['pwd']);
    for (const f of ['exp', 'iat', 'nbf']) assert.equal(typeof b[f], 'number');
    assert.equal(b.iss, app.config.issuer);
    assert.ok(b.aud && b.jti);
  });

  it('omits user-only fields for client tokens', async () => {
    const client = await createClient(app, { roles: ['reader'] });
    const t = await postForm<{ access_token: string }>(
      `${app.url}/oauth/token`,
      { grant_type: 'client_credentials' },
      basic(client.clientId, client.secret!),
    );
    const b = (await introspect(t.body.access_token)).body;
    assert.equal(b.active, true);
    assert.equal(b.sub, client.clientId);
    assert.equal(b.username, undefined);
    assert.equal(b.amr, undefined);
  });

  it('describes an active refresh token, and nothing after rotation', async () => {
    const user = await createUser(app);
    const tokens = await login(app, user);
    const b = (await introspect(tokens.refresh_token!)).body;
    assert.deepEqual(Object.keys(b).sort(), ['active', 'client_id', 'exp', 'iat', 'scope', 'sub', 'token_type']);
    assert.equal(b.token_type, 'refresh_token');
    assert.equal(b.sub, user.id);
    await postForm(`${app.url}/oauth/token`, {
      grant_type: 'refresh_token',
      client_id: 'cli',
      refresh_token: tokens.refresh_token!,
    });
    assert.deepEqual((await introspect(tokens.refresh_token!)).body, { active: false });
  });

  it('answers exactly {active:false} for garbage, tampered, expired-looking and unknown-key tokens', async () => {
    const user = await createUser(app);
    const { access_token } = await login(app, user);
    const [h, p, s] = access_token.split('.');
    const claims = { ...JSON.parse(Buffer.from(p, 'base64url').toString()), scope: 'admin' };
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    for (const token of ['garbage', 'a.b.c', tampered, `${h}.${p}.`, 'rt_nope', 'ak_nope', 'x'.repeat(9000)]) {
      const res = await introspect(token);
      assert.equal(res.status, 200, token.slice(0, 20));
      assert.deepEqual(res.body, { active: false });
    }
  });

  it('gives the same answer whatever the token_type_hint', async () => {
    const user = await createUser(app);
    const tokens = await login(app, user);
    for (const hint of ['access_token', 'refresh_token', 'api_key', 'nonsense']) {
      assert.equal((await introspect(tokens.access_token, { token_type_hint: hint })).body.active, true);
      assert.equal(
        (await introspect(tokens.refresh_token!, { token_type_hint: hint })).body.token_type,
        'refresh_token',
      );
    }
  });

  it('requires an authenticated caller holding tokens:introspect', async () => {
    const user = await createUser(app);
    const tokens = await login(app, user);
    const none = await postForm(`${app.url}/oauth/introspect`, { token: tokens.access_token });
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_client');
    const wrong = await introspect(tokens.access_token, {}, basic(caller.clientId, 'cs_wrong'));
    assert.equal(wrong.status, 401);
    const plain = await createClient(app);
    const forbidden = await introspect(tokens.access_token, {}, basic(plain.clientId, plain.secret!));
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error, 'insufficient_scope');
    const userBearer = await introspect(tokens.access_token, {}, { authorization: `Bearer ${tokens.access_token}` });
    assert.equal(userBearer.status, 403, 'a user token without tokens:introspect');
    const rows = await auditRows(app, `event_type = 'introspection.unauthorized'`, []);
    assert.ok(rows.length >= 1);
  });

  it('accepts a bearer access token holding tokens:introspect as caller', async () => {
    const admin = await createUser(app, { roles: ['admin'] });
    const adminTokens = await login(app, admin);
    const user = await createUser(app);
    const tokens = await login(app, user);
    const res = await introspect(tokens.access_token, {}, { authorization: `Bearer ${adminTokens.access_token}` });
    assert.equal(res.body.active, true);
  });

  it('answers missing token with invalid_request', async () => {
    const res = await postForm(`${app.url}/oauth/introspect`, {}, basic(caller.clientId, caller.secret!));
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_request');
  });

  it('reports inactive once the user is disabled via the revocation set, without touching the token', async () => {
    const user = await createUser(app);
    const tokens = await login(app, user);
    const { RevocationService } = await import('../../src/revocation/revocation.service');
    await app
      .get(Database)
      .transaction((tx) =>
        app.get(RevocationService).revoke(tx, { kind: 'user_off', subject: user.id, expiresAt: null }),
      );
    assert.deepEqual((await introspect(tokens.access_token)).body, { active: false });
  });
});

/** Headers that differ between any two responses by nature. */
const PER_RESPONSE = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);
const stable = (headers: Headers): [string, string][] =>
  [...headers.entries()].filter(([name]) => !PER_RESPONSE.has(name)).sort();

describe('a public client_id is no caller authentication (issue 9 item 3)', () => {
  let app: TestApp;
  let inspector: TestClient;
  let mighty: TestClient;

  before(async () => {
    app = await startTestApp();
    inspector = await introspectorClient(app);
    // A public client whose roles hold both caller permissions: its bare id must still prove nothing.
    const role = await createRole(app, ['tokens:introspect', 'tokens:revoke']);
    mighty = await createClient(app, { confidential: false, roles: [role] });
  });
  after(() => app.close());

  it('introspection: 401 invalid_client, identical to an unknown client_id (status, body, headers)', async () => {
    const token = (await login(app, await createUser(app))).access_token;
    const known = await postForm(`${app.url}/oauth/introspect`, { token, client_id: mighty.clientId });
    const unknown = await postForm(`${app.url}/oauth/introspect`, { token, client_id: 'no-such-client-anywhere' });
    const bootstrap = await postForm(`${app.url}/oauth/introspect`, { token, client_id: 'cli' });
    for (const res of [known, unknown, bootstrap]) {
      assert.equal(res.status, 401, res.text);
      assert.deepEqual(res.body, unknown.body);
      assert.deepEqual(stable(res.headers), stable(unknown.headers));
    }
    assert.equal(known.body.error, 'invalid_client');
  });

  it("revocation: a public client revokes its own tokens, never another client's, whatever its roles", async () => {
    const auth = basic(inspector.clientId, inspector.secret!);
    const active = async (t: string): Promise<boolean> =>
      (await postForm(`${app.url}/oauth/introspect`, { token: t }, auth)).body.active === true;
    const user = await createUser(app);
    const viaCli = await login(app, user);
    const other = await postForm(`${app.url}/oauth/revoke`, { token: viaCli.access_token, client_id: mighty.clientId });
    assert.equal(other.status, 200);
    assert.equal(await active(viaCli.access_token), true, 'a bare client_id does not carry tokens:revoke');
    const own = await postForm(`${app.url}/oauth/revoke`, { token: viaCli.access_token, client_id: 'cli' });
    assert.equal(own.status, 200);
    assert.equal(await active(viaCli.access_token), false, 'its own token is revoked (RFC 7009 §2.1)');
    const stranger = { token: viaCli.refresh_token!, client_id: 'no-such-client-anywhere' };
    const unknown = await postForm(`${app.url}/oauth/revoke`, stranger);
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'invalid_client');
  });
});
