import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpResult, postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { startIsolatedApp } from '../security/support/isolated-app';
import { TokenBody, totp, unique } from '../factories';

/**
 * The README's walk-through ("A login, step by step"), step by step, over
 * HTTP only, on a fresh database with the bootstrap admin of the README's
 * real-PostgreSQL start. If this file fails, the README is wrong.
 */
const ADMIN = { username: 'admin', password: 'a long passphrase for the readme' };

/** Options of `request` for a call with a bearer token and an optional JSON body. */
function bearer(token: string, body?: unknown): { token: string; json?: unknown } {
  return { token, json: body };
}

type Enrolment = { secret: string; otpauth_uri: string };
type NewClient = { client_id: string; client_secret: string };

describe('README walk-through', () => {
  let app: TestApp;
  let base: string;
  let access: string;
  let refresh: string;
  let adminToken: string;
  let client: NewClient;
  const token = (form: Record<string, string>): Promise<HttpResult<TokenBody>> =>
    postForm<TokenBody>(`${base}/oauth/token`, form);
  const passwordLogin = (extra: Record<string, string> = {}): Promise<HttpResult<TokenBody>> =>
    token({ grant_type: 'password', client_id: 'cli', username: ADMIN.username, password: ADMIN.password, ...extra });

  before(async () => {
    const env = { BOOTSTRAP_ADMIN_USERNAME: ADMIN.username, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password };
    // A fresh database, as `npm start` on a new deployment: the bootstrap admin is created from the env.
    app = process.env.TEST_EMBEDDED ? await startTestApp(env) : await startIsolatedApp(env);
    base = app.url;
  });
  after(() => app?.close());

  it('1. logs the bootstrap admin in with the public client cli', async () => {
    const res = await passwordLogin();
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.token_type, 'Bearer');
    assert.match(res.body.refresh_token ?? '', /^rt_/);
    access = res.body.access_token;
    refresh = res.body.refresh_token!;
  });

  it('2. refreshes: a new access and refresh token, the old refresh token is spent', async () => {
    const res = await token({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: refresh });
    assert.equal(res.status, 200, res.text);
    assert.notEqual(res.body.refresh_token, refresh);
    access = res.body.access_token;
    refresh = res.body.refresh_token!;
  });

  it("3. introspects with the admin's own bearer token", async () => {
    const res = await postForm(`${base}/oauth/introspect`, { token: access }, { authorization: `Bearer ${access}` });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.active, true);
    assert.equal(res.body.username, 'admin');
    assert.equal(res.body.client_id, 'cli');
  });

  it('4. refuses a /v1 write to a password-only admin token (mfa_required)', async () => {
    const res = await request('POST', `${base}/v1/roles`, bearer(access, { name: unique('r_'), permissions: [] }));
    assert.equal(res.status, 403, res.text);
    assert.match(String(res.body.type), /mfa_required$/);
  });

  it('5. enrols TOTP; the code used to confirm cannot log in, the next one can', async () => {
    const start = await request<Enrolment>('POST', `${base}/v1/me/mfa/totp`, bearer(access));
    assert.equal(start.status, 201, start.text);
    assert.match(start.body.otpauth_uri, /^otpauth:\/\/totp\//);
    const confirmCode = totp(start.body.secret);
    const confirm = await request('POST', `${base}/v1/me/mfa/totp/confirm`, bearer(access, { code: confirmCode }));
    assert.equal(confirm.status, 204, confirm.text);
    assert.equal((await passwordLogin()).status, 403, 'MFA is now required');
    const reused = await passwordLogin({ otp: confirmCode });
    assert.equal(reused.status, 400, reused.text);
    assert.equal(reused.body.error, 'invalid_grant');
    // The README says: wait for the next 30 s code. The next step's code is what the app shows then.
    const next = await passwordLogin({ otp: totp(start.body.secret, 1) });
    assert.equal(next.status, 200, next.text);
    adminToken = next.body.access_token;
  });

  it('6. creates the introspector role and a confidential client holding it', async () => {
    const role = await request(
      'POST',
      `${base}/v1/roles`,
      bearer(adminToken, {
        name: 'introspector',
        description: 'may call /oauth/introspect',
        permissions: ['tokens:introspect'],
      }),
    );
    assert.equal(role.status, 201, role.text);
    const created = await request<NewClient>(
      'POST',
      `${base}/v1/clients`,
      bearer(adminToken, {
        name: 'orders-api',
        confidential: true,
        grant_types: ['client_credentials'],
        roles: ['introspector'],
      }),
    );
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.client_secret, /^cs_/);
    client = created.body;
  });

  it('7. revokes the refresh token: refresh fails, and the client sees the access token inactive', async () => {
    const credentials = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
    const basic = { authorization: `Basic ${credentials}` };
    const before = await postForm(`${base}/oauth/introspect`, { token: access }, basic);
    assert.deepEqual([before.status, before.body.active], [200, true], before.text);
    const revoke = await postForm(`${base}/oauth/revoke`, { client_id: 'cli', token: refresh });
    assert.equal(revoke.status, 200, revoke.text);
    assert.equal(revoke.text, '');
    const again = await token({ grant_type: 'refresh_token', client_id: 'cli', refresh_token: refresh });
    assert.equal(again.body.error, 'invalid_grant', again.text);
    const after = await postForm(`${base}/oauth/introspect`, { token: access }, basic);
    assert.equal(after.status, 200, after.text);
    assert.deepEqual(after.body, { active: false });
  });
});
