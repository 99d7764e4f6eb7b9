import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basic, postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { auditRows, createClient, createUser, login, TestClient } from '../factories';
import { introspectorClient } from '../factories/oauth';

describe('POST /oauth/revoke', () => {
  let app: TestApp;
  let inspector: TestClient;
  const active = async (token: string): Promise<boolean> =>
    (await postForm(`${app.url}/oauth/introspect`, { token }, basic(inspector.clientId, inspector.secret!))).body
      .active === true;
  const revoke = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    postForm(`${app.url}/oauth/revoke`, params, headers);

  before(async () => {
    app = await startTestApp();
    inspector = await introspectorClient(app);
  });
  after(() => app.close());

  it('revokes an access token (public client by client_id) with 200 and an empty body', async () => {
    const user = await createUser(app, { roles: ['admin'] });
    const tokens = await login(app, user);
    assert.equal(await active(tokens.access_token), true);
    const res = await revoke({ token: tokens.access_token, client_id: 'cli', token_type_hint: 'access_token' });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal(await active(tokens.access_token), false, 'visible at once on this instance');
    const me = await request('GET', `${app.url}/v1/roles`, { token: tokens.access_token });
    assert.equal(me.status, 401, 'a revoked token no longer authenticates');
    assert.equal(await active(tokens.refresh_token!), true, 'revoking an access token leaves its family alone');
    const rows = await auditRows(app, `event_type = 'token.revoked' AND subject_id = $1`, [user.id]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].details.token_type, 'access_token');
  });

  it('revokes a refresh token: its whole family and every access token issued from it', async () => {
    const user = await createUser(app);
    const first = await login(app, user);
    const second = await postForm<{ access_token: string; refresh_token: string }>(`${app.url}/oauth/token`, {
      grant_type: 'refresh_token',
      client_id: 'cli',
      refresh_token: first.refresh_token!,
    });
    assert.equal((await revoke({ token: second.body.refresh_token, client_id: 'cli' })).status, 200);
    assert.equal(await active(first.access_token), false);
    assert.equal(await active(second.body.access_token), false);
    assert.equal(await active(second.body.refresh_token), false);
    const refresh = await postForm(`${app.url}/oauth/token`, {
      grant_type: 'refresh_token',
      client_id: 'cli',
      refresh_token: second.body.refresh_token,
    });
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  it('answers 200 for unknown, garbage and already revoked tokens', async () => {
    for (const token of ['garbage', 'rt_unknown', 'a.b.c']) {
      const res = await revoke({ token, client_id: 'cli' });
      assert.equal(res.status, 200);
      assert.equal(res.text, '');
    }
  });

  it("leaves another client's token untouched (still 200)", async () => {
    const user = await createUser(app);
    const tokens = await login(app, user);
    const other = await createClient(app, { confidential: false, grantTypes: ['password', 'refresh_token'] });
    assert.equal((await revoke({ token: tokens.access_token, client_id: other.clientId })).status, 200);
    assert.equal((await revoke({ token: tokens.refresh_token!, client_id: other.clientId })).status, 200);
    assert.equal(await active(tokens.access_token), true);
    assert.equal(await active(tokens.refresh_token!), true);
  });

  it('lets a holder of tokens:revoke revoke any token', async () => {
    const user = await createUser(app);
    const tokens = await login(app, user);
    const revoker = await introspectorClient(app, ['tokens:revoke']);
    assert.equal((await revoke({ token: tokens.access_token }, basic(revoker.clientId, revoker.secret!))).status, 200);
    assert.equal(await active(tokens.access_token), false);
  });

  it('authenticates confidential clients and refuses bad callers', async () => {
    const client = await createClient(app, { roles: ['reader'] });
    const cc = await postForm<{ access_token: string }>(
      `${app.url}/oauth/token`,
      { grant_type: 'client_credentials' },
      basic(client.clientId, client.secret!),
    );
    const wrong = await revoke({ token: cc.body.access_token }, basic(client.clientId, 'cs_wrong'));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const noSecret = await revoke({ token: cc.body.access_token, client_id: client.clientId });
    assert.equal(noSecret.status, 401, 'a confidential client must authenticate');
    const user = await createUser(app);
    const userTokens = await login(app, user);
    const bearer = await revoke(
      { token: cc.body.access_token },
      { authorization: `Bearer ${userTokens.access_token}` },
    );
    assert.equal(bearer.status, 403, 'a bearer caller needs tokens:revoke');
    const missing = await revoke({}, basic(client.clientId, client.secret!));
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
    assert.equal((await revoke({ token: cc.body.access_token }, basic(client.clientId, client.secret!))).status, 200);
    assert.equal(await active(cc.body.access_token), false);
  });
});
