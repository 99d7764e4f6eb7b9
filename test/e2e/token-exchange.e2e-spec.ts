import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClientsRepository } from '../../src/clients/clients.repository';
import { GrantType, TOKEN_EXCHANGE } from '../../src/clients/client.types';
import { generateSecret, sha256 } from '../../src/common/crypto/secrets';
import { Database } from '../../src/database/database.service';
import { basic, postForm, request, HttpResult } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { adminSession, auditRows, createClient, createUser, login, TestClient, unique } from '../factories';
import { assertProblem, roleWith } from '../factories/admin';
import { createApiKey } from '../factories/api-keys';
import { introspectorClient } from '../factories/oauth';

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

interface ExchangeBody {
  access_token: string;
  issued_token_type: string;
  token_type: string;
  expires_in: number;
  scope: string;
  error?: string;
  error_description?: string;
}

const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

describe('token exchange (RFC 8693) on POST /oauth/token', () => {
  let app: TestApp;
  let admin: string;
  let inspector: TestClient;
  let target: TestClient;
  let caller: TestClient;

  /** A confidential client allowed to exchange for `audiences`, written straight to the database. */
  const exchanger = async (
    audiences: string[],
    opts: { confidential?: boolean; grants?: GrantType[] } = {},
  ): Promise<TestClient> => {
    const clientId = unique('svc_');
    const confidential = opts.confidential ?? true;
    const secret = confidential ? generateSecret('cs_') : undefined;
    const row = await app.get(Database).transaction((tx) =>
      app.get(ClientsRepository).insert(tx, {
        clientId,
        name: clientId,
        confidential,
        grantTypes: opts.grants ?? [TOKEN_EXCHANGE],
        secretHash: secret ? sha256(secret) : null,
        roles: [],
        tokenExchangeAudiences: audiences,
      }),
    );
    return { id: row.id, clientId, secret };
  };
  const exchange = (by: TestClient, params: Record<string, string>): Promise<HttpResult<ExchangeBody>> =>
    postForm<ExchangeBody>(
      `${app.url}/oauth/token`,
      { grant_type: TOKEN_EXCHANGE, ...params },
      by.secret ? basic(by.clientId, by.secret) : {},
    );
  const exchangeFor = (
    by: TestClient,
    subjectToken: string,
    extra: Record<string, string> = {},
  ): Promise<HttpResult<ExchangeBody>> =>
    exchange(by, {
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: target.clientId,
      ...extra,
    });
  const introspect = async (token: string): Promise<Record<string, unknown>> =>
    (await postForm(`${app.url}/oauth/introspect`, { token }, basic(inspector.clientId, inspector.secret!))).body;
  const assertError = (res: HttpResult<ExchangeBody>, status: number, error: string): void => {
    assert.equal(res.status, status, res.text);
    assert.equal(res.body.error, error, res.text);
    assert.equal(typeof res.body.error_description, 'string');
    assert.equal(res.body.access_token, undefined);
  };
  const userSession = async (permissions: string[]) => {
    const user = await createUser(app, { roles: [await roleWith(app, permissions)] });
    return { user, tokens: await login(app, user) };
  };

  before(async () => {
    app = await startTestApp();
    admin = (await adminSession(app)).token;
    inspector = await introspectorClient(app);
    target = await createClient(app);
    caller = await exchanger([target.clientId]);
  });
  after(() => app.close());

  it('is listed in discovery', async () => {
    const res = await request('GET', `${app.url}/.well-known/oauth-authorization-server`);
    assert.ok((res.body.grant_types_supported as string[]).includes(TOKEN_EXCHANGE));
  });

  it('registers the grant and its audiences on POST /v1/clients, validated', async () => {
    const post = (json: Record<string, unknown>) => request('POST', `${app.url}/v1/clients`, { token: admin, json });
    const created = await post({
      name: 'orders',
      confidential: true,
      grant_types: [TOKEN_EXCHANGE],
      token_exchange_audiences: [target.clientId],
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.token_exchange_audiences, [target.clientId]);
    assert.deepEqual(created.body.grant_types, [TOKEN_EXCHANGE]);
    const shown = await request('GET', `${app.url}/v1/clients/${String(created.body.client_id)}`, { token: admin });
    assert.deepEqual(shown.body.token_exchange_audiences, [target.clientId]);

    assertProblem(
      await post({
        name: 'x',
        confidential: true,
        grant_types: [TOKEN_EXCHANGE],
        token_exchange_audiences: ['no-such-client'],
      }),
      400,
    );
    assertProblem(
      await post({
        name: 'x',
        confidential: true,
        grant_types: ['client_credentials'],
        token_exchange_audiences: [target.clientId],
      }),
      400,
    );
    assertProblem(
      await post({
        name: 'x',
        confidential: false,
        grant_types: [TOKEN_EXCHANGE],
        token_exchange_audiences: [target.clientId],
      }),
      400,
    );
    assertProblem(
      await post({
        name: 'x',
        confidential: true,
        grant_types: [TOKEN_EXCHANGE],
        token_exchange_audiences: ['bad id'],
      }),
      400,
    );
    const plain = await post({ name: 'plain', confidential: true, grant_types: ['client_credentials'] });
    assert.deepEqual(plain.body.token_exchange_audiences, []);
  });

  it('issues a token for the audience that keeps the subject, names the caller in act, and is audited', async () => {
    const { user, tokens } = await userSession(['users:read', 'roles:read']);
    const subject = claimsOf(tokens.access_token);
    const res = await exchangeFor(caller, tokens.access_token);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(Object.keys(res.body).sort(), [
      'access_token',
      'expires_in',
      'issued_token_type',
      'scope',
      'token_type',
    ]);
    assert.equal(res.body.issued_token_type, ACCESS_TOKEN_TYPE);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.scope, 'roles:read users:read');
    const claims = claimsOf(res.body.access_token);
    for (const kept of ['sub', 'username', 'sid', 'amr', 'iss']) assert.deepEqual(claims[kept], subject[kept], kept);
    assert.equal(claims.sub, user.id);
    assert.equal(claims.aud, target.clientId);
    assert.equal(claims.client_id, caller.clientId);
    assert.deepEqual(claims.act, { sub: caller.clientId });
    assert.notEqual(claims.jti, subject.jti);
    assert.ok((claims.exp as number) <= (subject.exp as number));
    assert.ok(res.body.expires_in > 0 && res.body.expires_in <= (claims.exp as number) - (claims.iat as number));

    const seen = await introspect(res.body.access_token);
    assert.equal(seen.active, true);
    assert.equal(seen.aud, target.clientId);
    assert.equal(seen.client_id, caller.clientId);
    assert.deepEqual(seen.act, { sub: caller.clientId });

    const rows = await auditRows(app, `event_type = 'token.exchanged' AND actor_id = $1`, [caller.clientId]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].actor_type, 'client');
    assert.equal(rows[0].subject_type, 'user');
    assert.equal(rows[0].subject_id, user.id);
    assert.equal(rows[0].details.grant_type, TOKEN_EXCHANGE);
    assert.ok(!JSON.stringify(rows[0].details).includes(res.body.access_token.split('.')[2]));
  });

  it("narrows the scope on request, refuses a wider one, and ignores the caller's own roles", async () => {
    const { tokens } = await userSession(['users:read', 'roles:read']);
    const narrow = await exchangeFor(caller, tokens.access_token, { scope: 'users:read' });
    assert.equal(narrow.status, 200, narrow.text);
    assert.equal(narrow.body.scope, 'users:read');
    assert.equal(claimsOf(narrow.body.access_token).scope, 'users:read');
    assertError(
      await exchangeFor(caller, tokens.access_token, { scope: 'users:read users:write' }),
      400,
      'invalid_scope',
    );
    // The caller holds no role at all, yet the subject's scope passes through.
    assert.equal((await exchangeFor(caller, tokens.access_token)).body.scope, 'roles:read users:read');
    // Exchanging the narrowed token cannot widen it back.
    assertError(await exchangeFor(caller, narrow.body.access_token, { scope: 'roles:read' }), 400, 'invalid_scope');
  });

  it('accepts a subject token of any audience and nests the previous act', async () => {
    const second = await createClient(app);
    const hop = await exchanger([second.clientId]);
    const { tokens } = await userSession(['users:read']);
    const first = await exchangeFor(caller, tokens.access_token);
    assert.equal(first.status, 200, first.text);
    const res = await exchange(hop, {
      subject_token: first.body.access_token,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: second.clientId,
    });
    assert.equal(res.status, 200, res.text);
    const claims = claimsOf(res.body.access_token);
    assert.equal(claims.aud, second.clientId);
    assert.deepEqual(claims.act, { sub: hop.clientId, act: { sub: caller.clientId } });
    assert.equal(claims.sid, claimsOf(tokens.access_token).sid);
  });

  it('never outlives the subject token', async () => {
    const { tokens } = await userSession(['users:read']);
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await exchangeFor(caller, tokens.access_token);
    const claims = claimsOf(res.body.access_token);
    assert.equal(claims.exp, claimsOf(tokens.access_token).exp, "capped at the subject token's exp");
    assert.ok(res.body.expires_in < app.config.accessTokenTtl);
  });

  it('answers invalid_request for a missing parameter, an actor_token or an unsupported token type', async () => {
    const { tokens } = await userSession(['users:read']);
    const full = {
      subject_token: tokens.access_token,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: target.clientId,
    };
    for (const missing of ['subject_token', 'subject_token_type', 'audience'] as const) {
      const params: Record<string, string> = { ...full };
      delete params[missing];
      assertError(await exchange(caller, params), 400, 'invalid_request');
    }
    assertError(
      await exchange(caller, { ...full, actor_token: tokens.access_token, actor_token_type: ACCESS_TOKEN_TYPE }),
      400,
      'invalid_request',
    );
    assertError(
      await exchange(caller, { ...full, subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }),
      400,
      'invalid_request',
    );
    assertError(
      await exchange(caller, { ...full, requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' }),
      400,
      'invalid_request',
    );
  });

  it('answers invalid_request for a subject token that is not an active access token of this service', async () => {
    const { tokens } = await userSession(['users:read']);
    assertError(await exchangeFor(caller, 'not-a-jwt'), 400, 'invalid_request');
    assertError(await exchangeFor(caller, tokens.refresh_token!), 400, 'invalid_request');
    const key = await createApiKey(app, { token: admin }, { scope: 'users:read' });
    assertError(await exchangeFor(caller, key.key), 400, 'invalid_request');
    const forged = tokens.access_token.slice(0, -4) + (tokens.access_token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assertError(await exchangeFor(caller, forged), 400, 'invalid_request');
    await postForm(`${app.url}/oauth/revoke`, { token: tokens.access_token, client_id: 'cli' });
    assertError(await exchangeFor(caller, tokens.access_token), 400, 'invalid_request');
  });

  it('answers invalid_target for an audience not allowed for the caller, unknown or deleted', async () => {
    const { tokens } = await userSession(['users:read']);
    const other = await createClient(app);
    assertError(await exchangeFor(caller, tokens.access_token, { audience: other.clientId }), 400, 'invalid_target');
    assertError(await exchangeFor(caller, tokens.access_token, { audience: 'nobody' }), 400, 'invalid_target');
    const doomed = await createClient(app);
    const allowed = await exchanger([doomed.clientId]);
    assert.equal(
      (
        await exchange(allowed, {
          subject_token: tokens.access_token,
          subject_token_type: ACCESS_TOKEN_TYPE,
          audience: doomed.clientId,
        })
      ).status,
      200,
    );
    assert.equal((await request('DELETE', `${app.url}/v1/clients/${doomed.clientId}`, { token: admin })).status, 204);
    const res = await exchange(allowed, {
      subject_token: tokens.access_token,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: doomed.clientId,
    });
    assertError(res, 400, 'invalid_target');
  });

  it('refuses clients without the grant, public clients and bad credentials', async () => {
    const { tokens } = await userSession(['users:read']);
    const without = await exchanger([target.clientId], { grants: ['client_credentials'] });
    assertError(await exchangeFor(without, tokens.access_token), 400, 'unauthorized_client');
    const pub = await exchanger([target.clientId], { confidential: false });
    const res = await postForm<ExchangeBody>(`${app.url}/oauth/token`, {
      grant_type: TOKEN_EXCHANGE,
      client_id: pub.clientId,
      subject_token: tokens.access_token,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: target.clientId,
    });
    assertError(res, 400, 'unauthorized_client');
    assertError(await exchangeFor({ ...caller, secret: 'cs_wrong' }, tokens.access_token), 401, 'invalid_client');
  });

  it("is not accepted by this service's own API (its audience is another service)", async () => {
    const { tokens } = await userSession(['roles:read']);
    assert.equal((await request('GET', `${app.url}/v1/roles`, { token: tokens.access_token })).status, 200);
    const res = await exchangeFor(caller, tokens.access_token);
    assert.equal((await request('GET', `${app.url}/v1/roles`, { token: res.body.access_token })).status, 401);
  });

  it("dies with the subject's session (sid family) and when the user is disabled", async () => {
    const { tokens } = await userSession(['users:read']);
    const exchanged = (await exchangeFor(caller, tokens.access_token)).body.access_token;
    assert.equal((await introspect(exchanged)).active, true);
    assert.equal(
      (await postForm(`${app.url}/oauth/revoke`, { token: tokens.refresh_token!, client_id: 'cli' })).status,
      200,
    );
    assert.deepEqual(await introspect(exchanged), { active: false });

    const second = await userSession(['users:read']);
    const again = (await exchangeFor(caller, second.tokens.access_token)).body.access_token;
    assert.equal((await introspect(again)).active, true);
    const patch = await request('PATCH', `${app.url}/v1/users/${second.user.id}`, {
      token: admin,
      json: { disabled: true },
    });
    assert.equal(patch.status, 200, patch.text);
    assert.deepEqual(await introspect(again), { active: false });
  });

  it('can itself be revoked, and dies with the caller client', async () => {
    const { tokens } = await userSession(['users:read']);
    const exchanged = (await exchangeFor(caller, tokens.access_token)).body.access_token;
    assert.equal(
      (await postForm(`${app.url}/oauth/revoke`, { token: exchanged }, basic(caller.clientId, caller.secret!))).status,
      200,
    );
    assert.deepEqual(await introspect(exchanged), { active: false });
    assert.equal((await introspect(tokens.access_token)).active, true, 'the subject token lives on');

    const doomedCaller = await exchanger([target.clientId]);
    const other = (await exchangeFor(doomedCaller, tokens.access_token)).body.access_token;
    assert.equal(
      (await request('DELETE', `${app.url}/v1/clients/${doomedCaller.clientId}`, { token: admin })).status,
      204,
    );
    assert.deepEqual(await introspect(other), { active: false });
  });
});
