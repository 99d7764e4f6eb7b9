import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../src/database/database.service';
import { PermissionCache } from '../../src/rbac/permission-cache.service';
import { request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { adminSession, createUser, login, unique } from '../factories';
import { assertProblem, roleWith } from '../factories/admin';

/**
 * Issue 9 items 2 and 5: held permissions of unnarrowed tokens, no acting on
 * a principal who holds more, the last admin.
 */
describe('RBAC guardrails', () => {
  let app: TestApp;
  let admin: string;
  before(async () => {
    app = await startTestApp();
    admin = (await adminSession(app)).token;
  });
  after(() => app.close());

  const v1 = <T = Record<string, unknown>>(method: string, path: string, token: string, json?: unknown) =>
    request<T>(method, `${app.url}/v1${path}`, { token, json });

  /** A user with the given roles and MFA, logged in; `scope` narrows the token. */
  async function session(roles: string[], scope?: string): Promise<{ id: string; token: string }> {
    const user = await createUser(app, { roles, mfa: true });
    const body = await login(app, user, scope ? { scope } : {});
    return { id: user.id, token: body.access_token };
  }

  describe('a permission gained after login (item 2)', () => {
    it('an admin uses a custom permission it has just created, in a role and an API key scope', async () => {
      const permission = `${unique('kafka')}:create`;
      assert.equal((await v1('POST', '/permissions', admin, { name: permission })).status, 201);
      const role = await v1('POST', '/roles', admin, { name: unique('kafka-'), permissions: [permission] });
      assert.equal(role.status, 201, role.text);
      const key = await v1<{ scope: string }>('POST', '/api-keys', admin, { name: 'k', scope: permission });
      assert.equal(key.status, 201, key.text);
      assert.equal(key.body.scope, permission);
    });

    it('a token narrowed by scope stays narrowed', async () => {
      const narrowed = await session(['admin'], 'roles:read roles:write');
      const permission = `${unique('kafka')}:delete`;
      assert.equal((await v1('POST', '/permissions', narrowed.token, { name: permission })).status, 201);
      for (const permissions of [[permission], ['users:write']]) {
        const res = await v1('POST', '/roles', narrowed.token, { name: unique('k-'), permissions });
        assertProblem(res, 403, 'forbidden');
      }
    });
  });

  describe('nobody acts on a principal who holds more (item 5)', () => {
    let helpdesk: { id: string; token: string };
    let victim: { id: string; token: string };
    before(async () => {
      helpdesk = await session([await roleWith(app, ['users:read', 'users:write', 'api_keys:write'])]);
      app.get(PermissionCache).invalidate();
      victim = await session(['admin']);
    });

    it('users:write cannot disable, edit, unlock, demote, erase an admin, nor mint or rotate its keys', async () => {
      assertProblem(await v1('PATCH', `/users/${victim.id}`, helpdesk.token, { disabled: true }), 403, 'forbidden');
      const email = { email: 'thief@example.com' };
      assertProblem(await v1('PATCH', `/users/${victim.id}`, helpdesk.token, email), 403, 'forbidden');
      assertProblem(await v1('POST', `/users/${victim.id}/unlock`, helpdesk.token), 403, 'forbidden');
      const demote = { roles: ['user'] };
      assertProblem(await v1('PUT', `/users/${victim.id}/roles`, helpdesk.token, demote), 403, 'forbidden');
      assertProblem(await v1('DELETE', `/users/${victim.id}`, helpdesk.token), 403, 'forbidden');
      const forVictim = { scope: 'users:read', owner_type: 'user', owner_id: victim.id };
      const minted = await v1('POST', '/api-keys', helpdesk.token, { name: 'x', ...forVictim });
      assertProblem(minted, 403, 'forbidden');
      const adminKey = await v1<{ id: string }>('POST', '/api-keys', admin, { name: 'y', ...forVictim });
      assert.equal(adminKey.status, 201, adminKey.text);
      assertProblem(await v1('POST', `/api-keys/${adminKey.body.id}/rotate`, helpdesk.token, {}), 403, 'forbidden');
      const [row] = await app
        .get(Database)
        .query<{ disabled: boolean }>('SELECT disabled FROM users WHERE id = $1', [victim.id]);
      assert.equal(row.disabled, false);
    });

    it('still acts on users who hold no more than the caller', async () => {
      const peer = await createUser(app, { roles: ['user'] });
      assert.equal((await v1('PATCH', `/users/${peer.id}`, helpdesk.token, { disabled: true })).status, 200);
      assert.equal((await v1('POST', `/users/${peer.id}/unlock`, helpdesk.token)).status, 204);
      const other = await createUser(app);
      const key = await v1('POST', '/api-keys', helpdesk.token, { name: 'p', owner_type: 'user', owner_id: other.id });
      assert.equal(key.status, 201, key.text);
    });

    it("a key stops at its owner's current permissions when the owner loses them", async () => {
      const role = await roleWith(app, ['users:read']);
      const owner = await createUser(app, { roles: [role] });
      const body = { name: 'o', scope: 'users:read', owner_type: 'user', owner_id: owner.id };
      const key = await v1<{ key: string }>('POST', '/api-keys', admin, body);
      assert.equal(key.status, 201, key.text);
      app.get(PermissionCache).invalidate();
      const use = async () => (await request('GET', `${app.url}/v1/users?limit=1`, { apiKey: key.body.key })).status;
      assert.equal(await use(), 200);
      assert.equal((await v1('PUT', `/users/${owner.id}/roles`, admin, { roles: ['user'] })).status, 200);
      assert.equal(await use(), 403);
    });
  });

  describe('the last enabled admin (item 5)', () => {
    it('cannot be disabled, demoted or erased (409), also when two admins demote each other at once', async () => {
      const db = app.get(Database);
      // Leave exactly two enabled admins: A and B.
      const a = await session(['admin']);
      const b = await session(['admin']);
      await db.query(
        `UPDATE users SET disabled = true
         WHERE id <> ALL($1::uuid[]) AND id IN (SELECT user_id FROM user_roles WHERE role_name = 'admin')`,
        [[a.id, b.id]],
      );
      const results = await Promise.all([
        v1('PUT', `/users/${b.id}/roles`, a.token, { roles: ['user'] }),
        v1('PUT', `/users/${a.id}/roles`, b.token, { roles: ['user'] }),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
      const [{ n }] = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM users u JOIN user_roles ur ON ur.user_id = u.id
         WHERE ur.role_name = 'admin' AND NOT u.disabled`,
      );
      assert.equal(Number(n), 1);
      const last = results[0].status === 200 ? a : b;
      assertProblem(await v1('PATCH', `/users/${last.id}`, last.token, { disabled: true }), 409, 'conflict');
      assertProblem(await v1('PUT', `/users/${last.id}/roles`, last.token, { roles: ['user'] }), 409, 'conflict');
      assertProblem(await v1('DELETE', `/users/${last.id}`, last.token), 409, 'conflict');
      // Once another admin is enabled, the former last one can go.
      const other = await createUser(app, { roles: ['admin'] });
      assert.equal((await v1('PATCH', `/users/${last.id}`, last.token, { disabled: true })).status, 200);
      assert.ok(other.id);
    });
  });
});
