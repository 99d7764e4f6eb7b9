import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { Database } from '../../src/database/database.service';
import { PermissionCache } from '../../src/rbac/permission-cache.service';
import { adminSession, auditRows, createClient, createUser, login, passwordGrant, unique } from '../factories';
import { createRole, nextSecond, passwordSession, refresh, v1 } from '../factories/users';

interface User {
  id: string;
  username: string;
  email: string | null;
  roles: string[];
  disabled: boolean;
  locked: boolean;
  locked_until: string | null;
  mfa_enabled: boolean;
  created_at: string;
  updated_at: string;
}
interface Problem {
  type: string;
  status: number;
  request_id: string;
  errors?: { field: string; message: string }[];
}
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('/v1/users', () => {
  let app: TestApp;
  let admin: string;
  before(async () => {
    app = await startTestApp();
    admin = (await adminSession(app)).token;
  });
  after(() => app.close());

  const newUser = (json: Record<string, unknown>, token = admin) =>
    v1<User & Problem>(app, 'POST', '/v1/users', token, json);

  describe('authentication and authorisation', () => {
    const routes: [string, string][] = [
      ['POST', '/v1/users'],
      ['GET', '/v1/users'],
      ['GET', `/v1/users/${MISSING}`],
      ['PATCH', `/v1/users/${MISSING}`],
      ['PUT', `/v1/users/${MISSING}/roles`],
      ['POST', `/v1/users/${MISSING}/unlock`],
      ['DELETE', `/v1/users/${MISSING}`],
    ];

    it('answers 401 problem+json without or with a bad credential', async () => {
      for (const [method, path] of routes) {
        for (const token of [undefined, 'not-a-jwt']) {
          const res = await v1<Problem>(
            app,
            method,
            path,
            token,
            method === 'GET' || method === 'DELETE' ? undefined : {},
          );
          assert.equal(res.status, 401, `${method} ${path}`);
          assert.match(res.headers.get('content-type')!, /^application\/problem\+json/);
          assert.equal(res.body.request_id, res.headers.get('x-request-id'));
        }
      }
    });

    it('answers 403 without the permission', async () => {
      const { token } = await passwordSession(app, ['user']);
      for (const [method, path] of routes) {
        const res = await v1<Problem>(
          app,
          method,
          path,
          token,
          method === 'GET' || method === 'DELETE' ? undefined : {},
        );
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.match(res.body.type, /forbidden$/);
      }
    });

    it('answers 403 mfa_required to an admin token without otp on :write, and serves reads', async () => {
      const { token } = await passwordSession(app, ['admin']);
      for (const [method, path] of routes.filter(([m]) => m !== 'GET')) {
        const res = await v1<Problem>(app, method, path, token, method === 'DELETE' ? undefined : {});
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.match(res.body.type, /mfa_required$/);
      }
      assert.equal((await v1(app, 'GET', '/v1/users', token)).status, 200);
    });

    it('refuses client tokens on /v1/me but lets permitted clients manage users', async () => {
      const client = await createClient(app, { roles: ['reader'] });
      const res = await request('POST', `${app.url}/oauth/token`, {
        body: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.secret}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const token = String(res.body.access_token);
      assert.equal((await v1(app, 'GET', '/v1/users', token)).status, 200);
      assert.equal((await v1(app, 'GET', '/v1/me', token)).status, 403);
    });
  });

  it('documents every endpoint in OpenAPI with its permission', async () => {
    const doc = (
      await request<{ paths: Record<string, Record<string, Record<string, unknown>>> }>('GET', `${app.url}/docs-json`)
    ).body;
    const expected: [string, string, string][] = [
      ['/v1/users', 'post', 'users:write'],
      ['/v1/users', 'get', 'users:read'],
      ['/v1/users/{id}', 'get', 'users:read'],
      ['/v1/users/{id}', 'patch', 'users:write'],
      ['/v1/users/{id}', 'delete', 'users:write'],
      ['/v1/users/{id}/roles', 'put', 'users:write'],
      ['/v1/users/{id}/unlock', 'post', 'users:write'],
    ];
    for (const [path, method, permission] of expected) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path}`);
      assert.equal(op['x-required-permissions'], permission);
      assert.deepEqual(op.tags, ['users']);
      assert.ok(op.summary);
    }
  });

  describe('POST /v1/users', () => {
    it('creates a user with the default role, never showing a hash', async () => {
      const username = unique('Créé_');
      const res = await newUser({ username, password: 'a-good-long-password', email: 'new@example.com' });
      assert.equal(res.status, 201);
      assert.deepEqual(Object.keys(res.body).sort(), [
        'created_at',
        'disabled',
        'email',
        'id',
        'locked',
        'locked_until',
        'mfa_enabled',
        'roles',
        'updated_at',
        'username',
      ]);
      assert.equal(res.body.username, username);
      assert.deepEqual(res.body.roles, ['user']);
      assert.equal(res.body.email, 'new@example.com');
      assert.equal(res.body.disabled, false);
      assert.equal(res.body.locked, false);
      assert.equal(res.body.locked_until, null);
      assert.equal(res.body.mfa_enabled, false);
      assert.match(res.body.created_at, RFC3339_UTC);
      assert.match(res.body.updated_at, RFC3339_UTC);
      assert.ok(!/\$2[aby]\$/.test(res.text));
      assert.equal((await passwordGrant(app, { username, password: 'a-good-long-password' })).status, 200);
      const [row] = await auditRows(app, `event_type = 'user.created' AND subject_id = $1`, [res.body.id]);
      assert.equal(row.outcome, 'success');
      assert.equal(row.actor_type, 'user');
      assert.deepEqual(row.details.roles, ['user']);
      assert.ok(!JSON.stringify(row).includes('a-good-long-password'));
      assert.ok(!JSON.stringify(row).includes(username));
    });

    it('assigns the given roles', async () => {
      const res = await newUser({
        username: unique('r_'),
        password: 'a-good-long-password',
        roles: ['reader', 'user', 'reader'],
      });
      assert.equal(res.status, 201);
      assert.deepEqual(res.body.roles, ['reader', 'user']);
    });

    it('answers 409 for a taken username, case-insensitively and under concurrency', async () => {
      const username = unique('dup_');
      assert.equal((await newUser({ username, password: 'a-good-long-password' })).status, 201);
      const again = await newUser({ username: username.toUpperCase(), password: 'a-good-long-password' });
      assert.equal(again.status, 409);
      assert.match(again.body.type, /conflict$/);
      const name = unique('race_');
      const results = await Promise.all(
        Array.from({ length: 5 }, () => newUser({ username: name, password: 'a-good-long-password' })),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409]);
    });

    it('answers 409 for a look-alike of a taken username (Unicode TS #39), also concurrently', async () => {
      const latin = unique('alice_');
      assert.equal((await newUser({ username: latin, password: 'a-good-long-password' })).status, 201);
      const cyrillic = latin.replace('a', '\u0430');
      assert.notEqual(cyrillic, latin);
      const lookAlike = await newUser({ username: cyrillic, password: 'a-good-long-password' });
      assert.equal(lookAlike.status, 409);
      assert.match(lookAlike.body.type, /conflict$/);
      // Both spellings at once: the unique skeleton column lets exactly one win.
      const base = unique('paypal_');
      const spellings = [base, base.replace('a', '\u0430'), base.replace('p', '\u0440'), base.replace('y', '\u0443')];
      const password = 'a-good-long-password';
      const results = await Promise.all(spellings.map((username) => newUser({ username, password })));
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409]);
    });

    it('refuses invalid input with 400 and field errors, never a 500', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ username: 'bad name!', password: 'a-good-long-password' }, 'username'],
        [{ username: 'x'.repeat(65), password: 'a-good-long-password' }, 'username'],
        [{ username: 'nul\u0000name', password: 'a-good-long-password' }, 'username'],
        [{ username: unique('p_'), password: 'short' }, 'password'],
        [{ username: unique('p_'), password: 'long-enough-but\u0000nul' }, 'password'],
        [{ username: unique('p_'), password: 'a-good-long-password', email: 'not-an-email' }, 'email'],
        [{ username: unique('p_'), password: 'a-good-long-password', email: 'a\u0000@example.com' }, 'email'],
        [{ username: unique('p_'), password: 'a-good-long-password', roles: 'admin' }, 'roles'],
        [{ username: unique('p_'), password: 'a-good-long-password', roles: [42] }, 'roles'],
        [{ username: unique('p_'), password: 'a-good-long-password', roles: ['no-such-role'] }, 'roles'],
        [{ username: unique('p_'), password: 'a-good-long-password', is_admin: true }, 'is_admin'],
        [{ username: 7, password: 'a-good-long-password' }, 'username'],
        [{ password: 'a-good-long-password' }, 'username'],
      ];
      for (const [json, field] of cases) {
        const res = await newUser(json);
        assert.equal(res.status, 400, JSON.stringify(json));
        assert.match(res.body.type, /validation_failed$/);
        assert.ok(
          res.body.errors?.some((e) => e.field === field),
          `${JSON.stringify(json)}: ${res.text}`,
        );
      }
      for (const body of ['null', '[]', '"x"', '{"username":', '{"username":"a","password":{"$gt":""}}']) {
        const res = await request('POST', `${app.url}/v1/users`, {
          token: admin,
          body,
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(res.status, 400, body);
      }
    });

    it('refuses to grant permissions the caller does not hold (403)', async () => {
      const role = await createRole(app, ['users:read', 'users:write']);
      const { token } = await adminSession(app, [role]);
      assert.equal(
        (await newUser({ username: unique('e_'), password: 'a-good-long-password', roles: ['admin'] }, token)).status,
        403,
      );
      assert.equal(
        (await newUser({ username: unique('e_'), password: 'a-good-long-password', roles: ['reader'] }, token)).status,
        403,
      );
      assert.equal(
        (await newUser({ username: unique('e_'), password: 'a-good-long-password', roles: [role] }, token)).status,
        201,
      );
      assert.equal((await newUser({ username: unique('e_'), password: 'a-good-long-password' }, token)).status, 201);
      // What the caller holds is what its roles give now: a role taken away since login is not grantable.
      const auditor = await createRole(app, ['audit:read']);
      const shrinking = await adminSession(app, [role, auditor]);
      await app
        .get(Database)
        .query('DELETE FROM user_roles WHERE user_id = $1 AND role_name = $2', [shrinking.user.id, auditor]);
      app.get(PermissionCache).invalidate();
      const res = await newUser(
        { username: unique('e_'), password: 'a-good-long-password', roles: [auditor] },
        shrinking.token,
      );
      assert.equal(res.status, 403);
      assert.match(res.body.type, /forbidden$/);
    });

    it('lets an admin assign a custom permission created after its unnarrowed login at once', async () => {
      const permission = unique('kafka:create_');
      await app.get(Database).query('INSERT INTO permissions (name) VALUES ($1)', [permission]);
      const role = await createRole(app, [permission]);
      const older = await newUser({ username: unique('k_'), password: 'a-good-long-password', roles: [role] });
      assert.equal(older.status, 201, 'a permission gained since an unnarrowed login counts as held (API.md)');
      const fresh = await adminSession(app);
      const res = await newUser(
        { username: unique('k_'), password: 'a-good-long-password', roles: [role] },
        fresh.token,
      );
      assert.equal(res.status, 201);
      assert.deepEqual(res.body.roles, [role]);
    });
  });

  describe('GET /v1/users', () => {
    it('pages through every user once, oldest first', async () => {
      for (let i = 0; i < 3; i++) await createUser(app);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const res = await v1<{ items: User[]; next_cursor: string | null }>(app, 'GET', `/v1/users${query}`, admin);
        assert.equal(res.status, 200);
        assert.ok(res.body.items.length <= 2);
        seen.push(...res.body.items.map((u) => u.id));
        cursor = res.body.next_cursor;
        pages++;
      } while (cursor && pages < 500);
      assert.equal(new Set(seen).size, seen.length, 'no user twice');
      const [{ n }] = await app
        .get(Database)
        .query<{ n: string }>('SELECT count(*) AS n FROM users WHERE deleted_at IS NULL');
      assert.ok(seen.length >= Number(n) - 5, 'every user seen (others may be created concurrently)');
      const all = await v1<{ items: User[] }>(app, 'GET', '/v1/users?limit=200', admin);
      const created = all.body.items.map((u) => u.created_at);
      assert.deepEqual(created, [...created].sort());
    });

    it('refuses bad limits and cursors with 400', async () => {
      const forged = Buffer.from(JSON.stringify({ ts: "x'; DROP TABLE users; --", id: 'y' })).toString('base64url');
      for (const query of [
        'limit=0',
        'limit=201',
        'limit=abc',
        'limit=1.5',
        'cursor=***',
        'cursor=eyJ4Ijox',
        `cursor=${forged}`,
        'other=1',
      ]) {
        const res = await v1<Problem>(app, 'GET', `/v1/users?${query}`, admin);
        assert.equal(res.status, 400, query);
      }
    });
  });

  describe('GET /v1/users/{id}', () => {
    it('returns the user, and 404 for unknown or malformed ids', async () => {
      const user = await createUser(app, { roles: ['reader'], email: 'get@example.com' });
      const res = await v1<User>(app, 'GET', `/v1/users/${user.id}`, admin);
      assert.equal(res.status, 200);
      assert.equal(res.body.username, user.username);
      assert.equal(res.body.email, 'get@example.com');
      assert.deepEqual(res.body.roles, ['reader']);
      for (const id of [MISSING, 'not-a-uuid', "1'%20OR%20'1'='1", '%00', 'x'.repeat(90)]) {
        const miss = await v1<Problem>(app, 'GET', `/v1/users/${id}`, admin);
        assert.equal(miss.status, 404, id);
        assert.match(miss.body.type, /not_found$/);
      }
    });
  });

  describe('PATCH /v1/users/{id}', () => {
    it('changes and clears the email, auditing which fields changed only', async () => {
      const user = await createUser(app, { email: 'old@example.com' });
      const res = await v1<User>(app, 'PATCH', `/v1/users/${user.id}`, admin, { email: 'fresh@example.com' });
      assert.equal(res.status, 200);
      assert.equal(res.body.email, 'fresh@example.com');
      const cleared = await v1<User>(app, 'PATCH', `/v1/users/${user.id}`, admin, { email: null });
      assert.equal(cleared.body.email, null);
      const rows = await auditRows(app, `event_type = 'user.updated' AND subject_id = $1`, [user.id]);
      assert.equal(rows.length, 2);
      assert.deepEqual(rows[0].details.changed, ['email']);
      assert.ok(!JSON.stringify(rows).includes('fresh@example.com'));
      const same = await v1<User>(app, 'PATCH', `/v1/users/${user.id}`, admin, {});
      assert.equal(same.status, 200);
    });

    it('validates the body and answers 404 for unknown users', async () => {
      const user = await createUser(app);
      for (const json of [{ email: 'nope' }, { disabled: 'yes' }, { username: 'rename' }, { email: 5 }]) {
        assert.equal((await v1(app, 'PATCH', `/v1/users/${user.id}`, admin, json)).status, 400, JSON.stringify(json));
      }
      for (const body of ['[]', '[{"disabled":true}]', '{"disabled":', '{"disabled":1e999}']) {
        const res = await request('PATCH', `${app.url}/v1/users/${user.id}`, {
          token: admin,
          body,
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(res.status, 400, body);
      }
      assert.equal((await v1(app, 'PATCH', `/v1/users/${MISSING}`, admin, { disabled: true })).status, 404);
      assert.equal((await v1(app, 'PATCH', '/v1/users/nope', admin, { disabled: true })).status, 404);
    });

    it('disabling kills existing tokens for good; re-enabling lets only new logins in', async () => {
      const user = await createUser(app, { roles: ['reader'] });
      const tokens = await login(app, user);
      assert.equal((await v1(app, 'GET', '/v1/me', tokens.access_token)).status, 200);
      const off = await v1<User>(app, 'PATCH', `/v1/users/${user.id}`, admin, { disabled: true });
      assert.equal(off.status, 200);
      assert.equal(off.body.disabled, true);
      assert.equal((await v1(app, 'GET', '/v1/me', tokens.access_token)).status, 401);
      assert.equal((await refresh(app, tokens.refresh_token!)).body.error, 'invalid_grant');
      assert.equal((await passwordGrant(app, user)).body.error, 'invalid_grant');
      const [row] = await auditRows(app, `event_type = 'user.updated' AND subject_id = $1`, [user.id]);
      assert.deepEqual(row.details.changed, ['disabled']);
      assert.equal(row.details.disabled, true);

      const on = await v1<User>(app, 'PATCH', `/v1/users/${user.id}`, admin, { disabled: false });
      assert.equal(on.body.disabled, false);
      assert.equal((await v1(app, 'GET', '/v1/me', tokens.access_token)).status, 401, 'old token stays dead');
      assert.equal((await refresh(app, tokens.refresh_token!)).body.error, 'invalid_grant');
      await nextSecond();
      const fresh = await login(app, user);
      assert.equal((await v1(app, 'GET', '/v1/me', fresh.access_token)).status, 200);
    });
  });

  describe('PUT /v1/users/{id}/roles', () => {
    it('replaces the role set and audits old and new', async () => {
      const user = await createUser(app, { roles: ['user'] });
      const tokens = await login(app, user);
      const res = await v1<User>(app, 'PUT', `/v1/users/${user.id}/roles`, admin, { roles: ['reader'] });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.roles, ['reader']);
      const [row] = await auditRows(app, `event_type = 'user.roles_changed' AND subject_id = $1`, [user.id]);
      assert.deepEqual(row.details.old_roles, ['user']);
      assert.deepEqual(row.details.new_roles, ['reader']);
      const me = await v1<{ permissions: string[] }>(app, 'GET', '/v1/me', tokens.access_token);
      assert.equal(me.status, 200, 'a role change revokes nothing');
      assert.ok(me.body.permissions.includes('users:read'));
      assert.deepEqual((await v1<User>(app, 'PUT', `/v1/users/${user.id}/roles`, admin, { roles: [] })).body.roles, []);
    });

    it('answers 400 for unknown roles or a bad body, 404 for unknown users, 403 on escalation', async () => {
      const user = await createUser(app);
      const unknown = await v1<Problem>(app, 'PUT', `/v1/users/${user.id}/roles`, admin, {
        roles: ['reader', 'ghost'],
      });
      assert.equal(unknown.status, 400);
      assert.deepEqual(
        unknown.body.errors?.map((e) => e.field),
        ['roles'],
      );
      for (const json of [{}, { roles: 'reader' }, { roles: ['a\u0000'] }, { roles: [''] }]) {
        assert.equal(
          (await v1(app, 'PUT', `/v1/users/${user.id}/roles`, admin, json)).status,
          400,
          JSON.stringify(json),
        );
      }
      assert.equal((await v1(app, 'PUT', `/v1/users/${MISSING}/roles`, admin, { roles: ['user'] })).status, 404);
      const role = await createRole(app, ['users:read', 'users:write']);
      const { token } = await adminSession(app, [role]);
      const escalate = await v1<Problem>(app, 'PUT', `/v1/users/${user.id}/roles`, token, { roles: ['admin'] });
      assert.equal(escalate.status, 403);
      assert.equal((await v1(app, 'PUT', `/v1/users/${user.id}/roles`, token, { roles: [role] })).status, 200);
    });
  });

  describe('POST /v1/users/{id}/unlock', () => {
    it('clears a lockout', async () => {
      const user = await createUser(app);
      for (let i = 0; i < app.config.lockoutMaxAttempts; i++)
        await passwordGrant(app, { username: user.username, password: 'wrong-password-123' });
      const locked = await v1<User>(app, 'GET', `/v1/users/${user.id}`, admin);
      assert.equal(locked.body.locked, true);
      assert.match(locked.body.locked_until!, RFC3339_UTC);
      assert.equal((await passwordGrant(app, user)).status, 400);
      const res = await v1(app, 'POST', `/v1/users/${user.id}/unlock`, admin);
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      assert.equal((await v1<User>(app, 'GET', `/v1/users/${user.id}`, admin)).body.locked, false);
      assert.equal((await passwordGrant(app, user)).status, 200);
      const [row] = await auditRows(app, `event_type = 'user.unlocked' AND subject_id = $1`, [user.id]);
      assert.equal(row.details.was_locked, true);
      assert.equal((await v1(app, 'POST', `/v1/users/${MISSING}/unlock`, admin)).status, 404);
    });
  });

  describe('DELETE /v1/users/{id}', () => {
    it('erases the user: personal data, tokens and keys gone, audit keeps only the id', async () => {
      const username = unique('Erase_');
      const user = await createUser(app, { username, email: 'erase-me@example.com', mfa: true });
      const tokens = await login(app, user);
      const db = app.get(Database);
      const [key] = await db.query<{ id: string }>(
        `INSERT INTO api_keys (lookup_id, secret_hash, prefix, name, scope, owner_type, owner_id)
         VALUES ($1, '\\x00', 'ak_test', 'k', '', 'user', $2) RETURNING id`,
        [unique('lk'), user.id],
      );
      const res = await v1(app, 'DELETE', `/v1/users/${user.id}`, admin);
      assert.equal(res.status, 204);
      assert.equal((await v1(app, 'GET', `/v1/users/${user.id}`, admin)).status, 404);
      assert.equal((await v1(app, 'DELETE', `/v1/users/${user.id}`, admin)).status, 404);
      assert.equal((await v1(app, 'PATCH', `/v1/users/${user.id}`, admin, { disabled: false })).status, 404);
      const list = await v1<{ items: User[] }>(app, 'GET', '/v1/users?limit=200', admin);
      assert.ok(!list.body.items.some((u) => u.id === user.id));
      assert.equal((await v1(app, 'GET', '/v1/me', tokens.access_token)).status, 401);
      assert.equal((await refresh(app, tokens.refresh_token!)).body.error, 'invalid_grant');
      assert.equal((await passwordGrant(app, user)).body.error, 'invalid_grant');

      const [row] = await db.query<Record<string, unknown>>('SELECT * FROM users WHERE id = $1', [user.id]);
      for (const column of [
        'username',
        'username_key',
        'email',
        'password_hash',
        'mfa_secret_enc',
        'mfa_pending_secret_enc',
      ]) {
        assert.equal(row[column], null, column);
      }
      assert.equal(row.disabled, true);
      assert.ok(row.deleted_at);
      const [keyRow] = await db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [
        key.id,
      ]);
      assert.ok(keyRow.revoked_at);

      const rows = await auditRows(app, `subject_id = $1 OR actor_id = $1`, [user.id]);
      assert.ok(rows.some((r) => r.event_type === 'user.deleted' && r.subject_id === user.id));
      const text = JSON.stringify(rows).toLowerCase();
      assert.ok(!text.includes(username.toLowerCase()) && !text.includes('erase-me@example.com'));
      assert.deepEqual(rows.find((r) => r.event_type === 'user.deleted')!.details, {});
      // The name is free again.
      assert.equal(
        (await v1(app, 'POST', '/v1/users', admin, { username, password: 'a-good-long-password' })).status,
        201,
      );
    });
  });
});
