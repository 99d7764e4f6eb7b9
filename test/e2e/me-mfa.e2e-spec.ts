import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FailureAudit } from '../../src/audit/failure-audit.service';
import { startTestApp, TestApp } from '../support/test-app';
import { Database } from '../../src/database/database.service';
import { auditRows, createUser, login, passwordGrant, totp } from '../factories';
import { decodeClaims, enrolTotp, passwordSession, refresh, v1 } from '../factories/users';

interface Problem {
  type: string;
  errors?: { field: string; message: string }[];
}

describe('/v1/me', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  describe('GET /v1/me', () => {
    it('returns the caller with its effective permissions', async () => {
      const user = await createUser(app, { roles: ['reader'], email: 'me@example.com' });
      const { access_token } = await login(app, user, { scope: 'users:read' });
      const res = await v1<Record<string, unknown>>(app, 'GET', '/v1/me', access_token);
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), [
        'email',
        'id',
        'mfa_enabled',
        'permissions',
        'roles',
        'username',
      ]);
      assert.equal(res.body.id, user.id);
      assert.equal(res.body.username, user.username);
      assert.equal(res.body.email, 'me@example.com');
      assert.deepEqual(res.body.roles, ['reader']);
      assert.ok(
        (res.body.permissions as string[]).includes('audit:read'),
        'permissions of the roles, not the token scope',
      );
      assert.equal(res.body.mfa_enabled, false);
    });

    it('answers 401 without a valid token', async () => {
      assert.equal((await v1(app, 'GET', '/v1/me')).status, 401);
      assert.equal((await v1(app, 'GET', '/v1/me', 'x.y.z')).status, 401);
    });
  });

  describe('POST /v1/me/password', () => {
    it('changes the password and ends every other session, keeping the own one', async () => {
      const user = await createUser(app);
      const mine = await login(app, user);
      const other = await login(app, user);
      const res = await v1(app, 'POST', '/v1/me/password', mine.access_token, {
        current_password: user.password,
        new_password: 'a-brand-new-password',
      });
      assert.equal(res.status, 204);
      assert.equal((await passwordGrant(app, user)).body.error, 'invalid_grant');
      assert.equal(
        (await passwordGrant(app, { username: user.username, password: 'a-brand-new-password' })).status,
        200,
      );
      assert.equal((await refresh(app, other.refresh_token!)).body.error, 'invalid_grant');
      assert.equal(
        (await v1(app, 'GET', '/v1/me', other.access_token)).status,
        401,
        "the other session's access token is dead",
      );
      assert.equal((await v1(app, 'GET', '/v1/me', mine.access_token)).status, 200);
      assert.equal((await refresh(app, mine.refresh_token!)).status, 200, 'the own session survives');
      const [row] = await auditRows(app, `event_type = 'user.password_changed' AND subject_id = $1`, [user.id]);
      assert.equal(row.outcome, 'success');
      assert.equal(row.details.revoked_sessions, 1);
      assert.ok(!JSON.stringify(row).includes('a-brand-new-password') && !JSON.stringify(row).includes(user.password));
    });

    it('refuses a wrong current password (counted towards the lockout) and a weak new one', async () => {
      const user = await createUser(app);
      const { access_token } = await login(app, user);
      const wrong = await v1<Problem>(app, 'POST', '/v1/me/password', access_token, {
        current_password: 'not-my-password',
        new_password: 'a-brand-new-password',
      });
      assert.equal(wrong.status, 400);
      assert.deepEqual(
        wrong.body.errors?.map((e) => e.field),
        ['current_password'],
      );
      const weak = await v1<Problem>(app, 'POST', '/v1/me/password', access_token, {
        current_password: user.password,
        new_password: 'short',
      });
      assert.equal(weak.status, 400);
      assert.deepEqual(
        weak.body.errors?.map((e) => e.field),
        ['new_password'],
      );
      for (const json of [
        {},
        { current_password: user.password },
        { current_password: user.password, new_password: 'a-brand-new-password', extra: 1 },
        { current_password: 1, new_password: 2 },
      ]) {
        assert.equal((await v1(app, 'POST', '/v1/me/password', access_token, json)).status, 400, JSON.stringify(json));
      }
      assert.equal((await passwordGrant(app, user)).status, 200, 'nothing changed');
      const failures = await auditRows(
        app,
        `event_type = 'user.password_changed' AND outcome = 'failure' AND subject_id = $1`,
        [user.id],
      );
      assert.equal(failures[0].details.reason, 'invalid_current_password');
      for (let i = 0; i < app.config.lockoutMaxAttempts; i++) {
        await v1(app, 'POST', '/v1/me/password', access_token, {
          current_password: 'not-my-password',
          new_password: 'a-brand-new-password',
        });
      }
      const locked = await v1<Problem>(app, 'POST', '/v1/me/password', access_token, {
        current_password: user.password,
        new_password: 'a-brand-new-password',
      });
      assert.equal(locked.status, 400, 'no guessing past the lockout');
      assert.equal((await passwordGrant(app, user)).status, 400);
    });
  });

  describe('TOTP', () => {
    it('enrols with a password-only token, then demands and consumes codes at login', async () => {
      const { user, token } = await passwordSession(app);
      const start = await v1<{ secret: string; otpauth_uri: string }>(app, 'POST', '/v1/me/mfa/totp', token);
      assert.equal(start.status, 201);
      assert.equal(start.headers.get('cache-control'), 'no-store');
      assert.match(start.body.secret, /^[A-Z2-7]{32}$/);
      const uri = new URL(start.body.otpauth_uri);
      assert.equal(uri.protocol, 'otpauth:');
      assert.equal(uri.searchParams.get('secret'), start.body.secret);
      const [row] = await app
        .get(Database)
        .query<{ mfa_pending_secret_enc: Buffer; mfa_enabled: boolean }>('SELECT * FROM users WHERE id = $1', [
          user.id,
        ]);
      assert.equal(row.mfa_enabled, false);
      assert.ok(!row.mfa_pending_secret_enc.toString('latin1').includes(start.body.secret), 'stored sealed');

      const bad = await v1<Problem>(app, 'POST', '/v1/me/mfa/totp/confirm', token, {
        code: totp(start.body.secret, 5),
      });
      assert.equal(bad.status, 400);
      assert.deepEqual(
        bad.body.errors?.map((e) => e.field),
        ['code'],
      );
      assert.equal((await v1(app, 'POST', '/v1/me/mfa/totp/confirm', token, { code: 'abc' })).status, 400);
      // Damped (issue 9 item 8): the first refusal is a row now, the second is counted in the window's owed row.
      const failedRows = () => auditRows(app, `event_type = 'mfa.failed' AND subject_id = $1`, [user.id]);
      assert.equal((await failedRows()).length, 1);
      await app.get(FailureAudit).flush(Date.now() + 61_000);
      const failed = await failedRows();
      assert.equal(
        failed.reduce((n, r) => n + Number(r.details.count), 0),
        2,
      );
      assert.equal(failed[0].details.reason, 'invalid_otp');

      const code = totp(start.body.secret);
      assert.equal((await v1(app, 'POST', '/v1/me/mfa/totp/confirm', token, { code })).status, 204);
      assert.equal((await auditRows(app, `event_type = 'mfa.enrolled' AND subject_id = $1`, [user.id])).length, 1);
      assert.equal((await v1<{ mfa_enabled: boolean }>(app, 'GET', '/v1/me', token)).body.mfa_enabled, true);

      const missing = await passwordGrant(app, user);
      assert.equal(missing.status, 403);
      assert.equal(missing.body.error, 'mfa_required');
      const replay = await passwordGrant(app, user, { otp: code });
      assert.equal(replay.status, 400, 'the confirming code cannot log in');
      assert.equal(replay.body.error, 'invalid_grant');
      const next = totp(start.body.secret, 1);
      const ok = await passwordGrant(app, user, { otp: next });
      assert.equal(ok.status, 200);
      assert.deepEqual(decodeClaims(ok.body.access_token).amr, ['pwd', 'otp']);
      const again = await passwordGrant(app, user, { otp: next });
      assert.equal(again.body.error, 'invalid_grant', 'a code accepted once is refused');
      const restart = await v1(app, 'POST', '/v1/me/mfa/totp', token);
      assert.equal(restart.status, 409, 'an active secret cannot be replaced without disabling first');
    });

    it('disables only with an otp token', async () => {
      const { user, token } = await passwordSession(app);
      const { secret } = await enrolTotp(app, token);
      const refused = await v1<Problem>(app, 'DELETE', '/v1/me/mfa/totp', token);
      assert.equal(refused.status, 403);
      assert.match(refused.body.type, /mfa_required$/);
      const withOtp = await login(app, { ...user, totpSecret: undefined }, { otp: totp(secret, 1) });
      assert.equal((await v1(app, 'DELETE', '/v1/me/mfa/totp', withOtp.access_token)).status, 204);
      assert.equal((await auditRows(app, `event_type = 'mfa.disabled' AND subject_id = $1`, [user.id])).length, 1);
      assert.equal((await passwordGrant(app, user)).status, 200, 'no otp needed any more');
      const [row] = await app
        .get(Database)
        .query<Record<string, unknown>>('SELECT mfa_enabled, mfa_secret_enc FROM users WHERE id = $1', [user.id]);
      assert.deepEqual(row, { mfa_enabled: false, mfa_secret_enc: null });
      assert.equal((await v1(app, 'DELETE', '/v1/me/mfa/totp', withOtp.access_token)).status, 204, 'idempotent');
    });

    it('refuses a confirm with nothing pending and bad bodies', async () => {
      const { token } = await passwordSession(app);
      assert.equal((await v1(app, 'POST', '/v1/me/mfa/totp/confirm', token, { code: '123456' })).status, 400);
      for (const json of [{}, { code: 123456 }, { code: '1\u00002' }, { code: '123456', x: 1 }]) {
        assert.equal((await v1(app, 'POST', '/v1/me/mfa/totp/confirm', token, json)).status, 400, JSON.stringify(json));
      }
      assert.equal((await v1(app, 'POST', '/v1/me/mfa/totp')).status, 401);
      assert.equal((await v1(app, 'POST', '/v1/me/mfa/totp/confirm', undefined, { code: '123456' })).status, 401);
      assert.equal((await v1(app, 'DELETE', '/v1/me/mfa/totp')).status, 401);
    });
  });
});
