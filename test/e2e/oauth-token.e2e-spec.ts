import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FailureAudit } from '../../src/audit/failure-audit.service';
import { basic, postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { Database } from '../../src/database/database.service';
import { auditRows, createClient, createUser, login, passwordGrant, TokenBody } from '../factories';

function decodePayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

describe('POST /oauth/token', () => {
  let app: TestApp;
  before(async () => {
    // Parallel logins from one IP test lockout races here; the login queue's bound has its own suite (login-queue).
    app = await startTestApp({ LOCKOUT_MAX_ATTEMPTS: '5', LOCKOUT_SECONDS: '300', LOGIN_QUEUE_MAX_WAIT_MS: '30000' });
  });
  after(() => app.close());

  describe('password grant', () => {
    it('issues an RFC 9068 access token, a refresh token and no-store headers', async () => {
      const user = await createUser(app, { roles: ['reader'] });
      const res = await passwordGrant(app, user);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('pragma'), 'no-cache');
      assert.equal(res.body.token_type, 'Bearer');
      assert.equal(res.body.expires_in, 900);
      assert.match(res.body.refresh_token!, /^rt_[A-Za-z0-9_-]{43}$/);
      const header = JSON.parse(Buffer.from(res.body.access_token.split('.')[0], 'base64url').toString()) as Record<
        string,
        unknown
      >;
      assert.equal(header.typ, 'at+jwt');
      assert.equal(header.alg, 'RS256');
      assert.ok(header.kid);
      const claims = decodePayload(res.body.access_token);
      assert.equal(claims.iss, app.config.issuer);
      assert.equal(claims.sub, user.id);
      assert.equal(claims.username, user.username);
      assert.equal(claims.client_id, 'cli');
      assert.deepEqual(claims.roles, ['reader']);
      assert.deepEqual(claims.amr, ['pwd']);
      assert.ok(claims.sid && claims.jti && claims.aud);
      assert.equal(claims.exp, (claims.iat as number) + 900);
      assert.equal(claims.nbf, claims.iat);
      assert.equal(res.body.scope, claims.scope);
      assert.ok(String(claims.scope).split(' ').includes('users:read'));
    });

    it('narrows to the requested scope and refuses scope not held', async () => {
      const user = await createUser(app, { roles: ['reader'] });
      const ok = await passwordGrant(app, user, { scope: 'users:read' });
      assert.equal(ok.body.scope, 'users:read');
      const bad = await passwordGrant(app, user, { scope: 'users:write' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error, 'invalid_scope');
    });

    it('answers unknown user, wrong password, disabled and locked user identically', async () => {
      const user = await createUser(app);
      const disabled = await createUser(app);
      await app.get(Database).query('UPDATE users SET disabled = true WHERE id = $1', [disabled.id]);
      const locked = await createUser(app);
      await app
        .get(Database)
        .query(`UPDATE users SET locked_until = now() + interval '5 minutes' WHERE id = $1`, [locked.id]);
      const answers = await Promise.all([
        passwordGrant(app, { username: 'no-such-user-xyz', password: 'whatever-password' }),
        passwordGrant(app, { username: user.username, password: 'wrong-password-123' }),
        passwordGrant(app, disabled),
        passwordGrant(app, locked),
      ]);
      for (const a of answers) {
        assert.equal(a.status, 400);
        assert.equal(a.text, answers[0].text);
      }
      assert.equal(JSON.parse(answers[0].text).error, 'invalid_grant');
      const reasons = await auditRows(
        app,
        `event_type = 'user.login' AND outcome = 'failure' AND subject_id = ANY($1)`,
        [[user.id, disabled.id, locked.id]],
      );
      assert.deepEqual(reasons.map((r) => r.details.reason).sort(), ['invalid_password', 'locked', 'user_disabled']);
    });

    it('locks after the configured attempts, even under 10 parallel wrong passwords', async () => {
      const user = await createUser(app);
      const attempts = await Promise.all(
        Array.from({ length: 10 }, () =>
          passwordGrant(app, { username: user.username, password: 'wrong-password-123' }),
        ),
      );
      assert.ok(attempts.every((a) => a.status === 400));
      const right = await passwordGrant(app, user);
      assert.equal(right.status, 400, 'the right password must not work once locked');
      const [row] = await app
        .get(Database)
        .query<{ failed_attempts: number; locked_until: Date | null }>(
          'SELECT failed_attempts, locked_until FROM users WHERE id = $1',
          [user.id],
        );
      assert.equal(row.failed_attempts, 5);
      assert.ok(row.locked_until && row.locked_until.getTime() > Date.now());
      const lockedRows = await auditRows(app, `event_type = 'user.locked' AND subject_id = $1`, [user.id]);
      assert.equal(lockedRows.length, 1);
      // Attempts that found the account already locked say so, not invalid_password (the right password included).
      const failures = await auditRows(app, `event_type = 'user.login' AND outcome = 'failure' AND subject_id = $1`, [
        user.id,
      ]);
      const reasons = failures.map((r) => r.details.reason);
      assert.equal(reasons.filter((r) => r === 'invalid_password').length, 5);
      assert.equal(reasons.filter((r) => r === 'locked').length, 6);
    });

    it('commits the lockout, its user.locked row and the locking failure row in one transaction', async () => {
      const user = await createUser(app);
      for (let i = 0; i < 5; i++) await passwordGrant(app, { username: user.username, password: 'wrong-password-123' });
      // Rows written by one transaction share its id (xmin); sealing never rewrites an audit row.
      const db = app.get(Database);
      const [locked] = await db.query<{ xmin: string }>(
        `SELECT xmin::text FROM audit_events WHERE event_type = 'user.locked' AND subject_id = $1`,
        [user.id],
      );
      const [lastFailure] = await db.query<{ xmin: string; reason: string }>(
        `SELECT xmin::text, details->>'reason' AS reason FROM audit_events
         WHERE event_type = 'user.login' AND subject_id = $1 ORDER BY id DESC LIMIT 1`,
        [user.id],
      );
      const [row] = await db.query<{ xmin: string }>('SELECT xmin::text FROM users WHERE id = $1', [user.id]);
      assert.equal(lastFailure.reason, 'invalid_password');
      assert.equal(locked.xmin, row.xmin);
      assert.equal(lastFailure.xmin, row.xmin);
    });

    it('writes the login success row in the transaction that issues the tokens', async () => {
      const user = await createUser(app);
      const res = await passwordGrant(app, user);
      assert.equal(res.status, 200);
      const db = app.get(Database);
      const rows = await db.query<{ event_type: string; xmin: string }>(
        `SELECT event_type, xmin::text FROM audit_events
         WHERE subject_id = $1 AND event_type IN ('user.login', 'token.issued')`,
        [user.id],
      );
      const [family] = await db.query<{ xmin: string }>('SELECT xmin::text FROM refresh_tokens WHERE user_id = $1', [
        user.id,
      ]);
      assert.deepEqual(rows.map((r) => r.event_type).sort(), ['token.issued', 'user.login']);
      for (const r of rows) assert.equal(r.xmin, family.xmin, r.event_type);
    });

    it('resets the failure count on success', async () => {
      const user = await createUser(app);
      for (let i = 0; i < 4; i++) await passwordGrant(app, { username: user.username, password: 'wrong-password-123' });
      assert.equal((await passwordGrant(app, user)).status, 200);
      for (let i = 0; i < 4; i++) await passwordGrant(app, { username: user.username, password: 'wrong-password-123' });
      assert.equal((await passwordGrant(app, user)).status, 200);
    });

    it('accepts a Unicode password in NFC and NFD form, and usernames case-insensitively', async () => {
      const password = 'Şifre-Güçlü-İstanbul-2026';
      const user = await createUser(app, { username: `Çağrı_${Date.now()}`, password: password.normalize('NFC') });
      assert.equal(
        (await passwordGrant(app, { username: user.username, password: password.normalize('NFD') })).status,
        200,
      );
      assert.equal((await passwordGrant(app, { username: user.username.toUpperCase(), password })).status, 200);
    });

    it('never truncates: byte 73 and a trailing NUL matter', async () => {
      const password = 'x'.repeat(72) + 'tail';
      const user = await createUser(app, { password });
      assert.equal(
        (await passwordGrant(app, { username: user.username, password: 'x'.repeat(72) + 'TAIL' })).status,
        400,
      );
      assert.equal((await passwordGrant(app, { username: user.username, password: password + '\u0000' })).status, 400);
      assert.equal((await passwordGrant(app, user)).status, 200);
    });

    it('writes audit rows with request id, ip, user agent and no secret', async () => {
      const user = await createUser(app);
      const res = await passwordGrant(app, user, {});
      const requestId = res.headers.get('x-request-id');
      const rows = await auditRows(app, 'request_id = $1', [requestId]);
      assert.deepEqual(rows.map((r) => r.event_type).sort(), ['token.issued', 'user.login']);
      for (const row of rows) {
        assert.equal(row.ip, '127.0.0.1');
        assert.ok(row.user_agent);
        const text = JSON.stringify(row);
        assert.ok(!text.includes(user.password));
        assert.ok(!text.includes(res.body.refresh_token!));
        assert.ok(!text.includes(res.body.access_token));
      }
      assert.equal(rows.find((r) => r.event_type === 'token.issued')!.details.grant_type, 'password');
    });

    it('keeps a valid incoming X-Request-ID and replaces an invalid one', async () => {
      const user = await createUser(app);
      const kept = await postForm(
        `${app.url}/oauth/token`,
        { grant_type: 'password', client_id: 'cli', username: user.username, password: user.password },
        { 'x-request-id': 'abc-123_XYZ' },
      );
      assert.equal(kept.headers.get('x-request-id'), 'abc-123_XYZ');
      const replaced = await postForm(
        `${app.url}/oauth/token`,
        { grant_type: 'password' },
        { 'x-request-id': 'bad id!' },
      );
      assert.notEqual(replaced.headers.get('x-request-id'), 'bad id!');
      assert.match(replaced.headers.get('x-request-id')!, /^[A-Za-z0-9_-]{1,100}$/);
    });
  });

  describe('refresh_token grant', () => {
    it('rotates: the new token works, the old one is reuse and revokes the family', async () => {
      const user = await createUser(app, { roles: ['reader'] });
      const first = await login(app, user);
      const second = await postForm<TokenBody>(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: 'cli',
        refresh_token: first.refresh_token!,
      });
      assert.equal(second.status, 200);
      assert.notEqual(second.body.refresh_token, first.refresh_token);
      assert.equal(decodePayload(second.body.access_token).sid, decodePayload(first.access_token).sid);
      const reuse = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: 'cli',
        refresh_token: first.refresh_token!,
      });
      assert.equal(reuse.status, 400);
      assert.equal(reuse.body.error, 'invalid_grant');
      const afterReuse = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: 'cli',
        refresh_token: second.body.refresh_token!,
      });
      assert.equal(afterReuse.status, 400, 'the whole family is revoked');
      const rows = await auditRows(app, `event_type = 'refresh_token.reuse_detected' AND actor_id = $1`, [user.id]);
      assert.equal(rows.length, 1);
    });

    it('narrows the access token scope but keeps the family scope', async () => {
      const user = await createUser(app, { roles: ['reader'] });
      const first = await login(app, user);
      const narrow = await postForm<TokenBody>(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: 'cli',
        refresh_token: first.refresh_token!,
        scope: 'users:read',
      });
      assert.equal(narrow.body.scope, 'users:read');
      const wide = await postForm<TokenBody>(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: 'cli',
        refresh_token: narrow.body.refresh_token!,
      });
      assert.equal(wide.body.scope, first.scope);
      const beyond = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: 'cli',
        refresh_token: wide.body.refresh_token!,
        scope: 'users:write',
      });
      assert.equal(beyond.body.error, 'invalid_scope');
    });

    it('of 5 concurrent refreshes with one token exactly one succeeds', async () => {
      const user = await createUser(app);
      const first = await login(app, user);
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          postForm(`${app.url}/oauth/token`, {
            grant_type: 'refresh_token',
            client_id: 'cli',
            refresh_token: first.refresh_token!,
          }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 200).length, 1);
      assert.ok(
        results.filter((r) => r.status !== 200).every((r) => r.status === 400 && r.body.error === 'invalid_grant'),
      );
    });

    it('works only for the client it was issued to', async () => {
      const user = await createUser(app);
      const other = await createClient(app, { confidential: false, grantTypes: ['password', 'refresh_token'] });
      const first = await login(app, user);
      const stolen = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: other.clientId,
        refresh_token: first.refresh_token!,
      });
      assert.equal(stolen.body.error, 'invalid_grant');
      const own = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: 'cli',
        refresh_token: first.refresh_token!,
      });
      assert.equal(own.status, 200, 'a wrong-client attempt does not burn the token');
    });

    it('refuses garbage refresh tokens', async () => {
      const res = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: 'cli',
        refresh_token: 'rt_garbage',
      });
      assert.equal(res.body.error, 'invalid_grant');
    });
  });

  describe('client_credentials grant', () => {
    it('issues a token with client basic and post authentication, without refresh token', async () => {
      const client = await createClient(app, { roles: ['reader'] });
      const viaBasic = await postForm<TokenBody>(
        `${app.url}/oauth/token`,
        { grant_type: 'client_credentials' },
        basic(client.clientId, client.secret!),
      );
      assert.equal(viaBasic.status, 200);
      assert.equal(viaBasic.body.refresh_token, undefined);
      const claims = decodePayload(viaBasic.body.access_token);
      assert.equal(claims.sub, client.clientId);
      assert.equal(claims.client_id, client.clientId);
      assert.equal(claims.username, undefined);
      assert.equal(claims.sid, undefined);
      const viaPost = await postForm<TokenBody>(`${app.url}/oauth/token`, {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.secret!,
        scope: 'users:read',
      });
      assert.equal(viaPost.body.scope, 'users:read');
      const rows = await auditRows(app, `event_type = 'token.issued' AND actor_id = $1`, [client.clientId]);
      assert.equal(rows.length, 2);
      assert.equal(rows[0].details.grant_type, 'client_credentials');
    });

    it('answers invalid_client 401 with WWW-Authenticate for a bad Basic secret', async () => {
      const client = await createClient(app);
      const res = await postForm(
        `${app.url}/oauth/token`,
        { grant_type: 'client_credentials' },
        basic(client.clientId, 'cs_wrong'),
      );
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'invalid_client');
      assert.match(res.headers.get('www-authenticate')!, /^Basic/);
      const post = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: 'cs_wrong',
      });
      assert.equal(post.status, 401);
      assert.equal(post.headers.get('www-authenticate'), null);
      // Damped (one row per IP, client and reason per window): the second failure is counted, not written yet.
      const rows = await auditRows(app, `event_type = 'client.auth_failed' AND subject_id = $1`, [client.clientId]);
      assert.equal(rows.length, 1);
      await app.get(FailureAudit).flush(Date.now() + 61_000);
      const counted = await auditRows(app, `event_type = 'client.auth_failed' AND subject_id = $1`, [client.clientId]);
      assert.equal(
        counted.reduce((n, r) => n + Number(r.details.count), 0),
        2,
      );
    });

    it('refuses public clients and grants a client may not use', async () => {
      const pub = await postForm(`${app.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'cli' });
      assert.equal(pub.body.error, 'unauthorized_client');
      const client = await createClient(app);
      const pw = await postForm(
        `${app.url}/oauth/token`,
        { grant_type: 'password', username: 'x', password: 'y' },
        basic(client.clientId, client.secret!),
      );
      assert.equal(pw.body.error, 'unauthorized_client');
      const scope = await postForm(
        `${app.url}/oauth/token`,
        { grant_type: 'client_credentials', scope: 'users:write' },
        basic(client.clientId, client.secret!),
      );
      assert.equal(scope.body.error, 'invalid_scope');
    });
  });

  describe('errors', () => {
    it('maps every request error to the RFC 6749 shape', async () => {
      const cases: [Record<string, string> | string, number, string][] = [
        [{}, 400, 'invalid_request'],
        [{ grant_type: 'authorization_code' }, 400, 'unsupported_grant_type'],
        [{ grant_type: 'password', username: 'a', password: 'b' }, 401, 'invalid_client'],
        [{ grant_type: 'password', client_id: 'cli' }, 400, 'invalid_request'],
        ['grant_type=password&grant_type=password', 400, 'invalid_request'],
        ['grant_type=%ZZ', 400, 'invalid_request'],
        [{ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'x' }, 401, 'invalid_client'],
      ];
      for (const [body, status, error] of cases) {
        const res = await postForm(`${app.url}/oauth/token`, body);
        assert.equal(res.status, status, JSON.stringify(body));
        assert.deepEqual(Object.keys(res.body).sort(), ['error', 'error_description']);
        assert.equal(res.body.error, error);
      }
    });

    it('refuses other content types, oversize bodies, null bytes and long strings without a 500', async () => {
      const json = await fetch(`${app.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"grant_type":"password"}',
      });
      assert.equal(json.status, 415);
      assert.equal(((await json.json()) as { error: string }).error, 'invalid_request');
      const big = await postForm(`${app.url}/oauth/token`, { grant_type: 'password', pad: 'x'.repeat(20_000) });
      assert.equal(big.status, 413);
      assert.equal(big.body.error, 'invalid_request');
      const nul = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'password',
        client_id: 'cli',
        username: 'a\u0000b',
        password: '\u0000',
      });
      assert.equal(nul.status, 400);
      const long = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'password',
        client_id: 'cli',
        username: 'u'.repeat(5000),
        password: 'p'.repeat(5000),
      });
      assert.equal(long.status, 400);
      const noType = await fetch(`${app.url}/oauth/token`, { method: 'POST', body: 'grant_type=password' });
      assert.ok(noType.status === 415 || noType.status === 400);
    });
  });
});
