import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../src/database/database.service';
import { HttpResult, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { PermissionCache } from '../../src/rbac/permission-cache.service';
import { adminSession, auditRows, createClient, createUser, login, unique } from '../factories';
import { assertProblem, assertValidation, clientCredentials, clientSessionWith, sessionWith } from '../factories/admin';

interface Role {
  name: string;
  description: string;
  permissions: string[];
  built_in: boolean;
}
interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const BUILT_IN_READ = ['api_keys:read', 'audit:read', 'clients:read', 'roles:read', 'users:read'];

describe('roles and permissions API', () => {
  let app: TestApp;
  let admin: string;
  before(async () => {
    app = await startTestApp();
    admin = (await adminSession(app)).token;
  });
  after(() => app.close());

  const url = (path: string): string => `${app.url}/v1${path}`;
  const newName = (): string => unique('r-');

  describe('reading', () => {
    it('needs credentials (401) and roles:read (403)', async () => {
      assertProblem(await request('GET', url('/roles')), 401, 'unauthorized');
      assertProblem(await request('GET', url('/roles'), { token: 'not-a-jwt' }), 401);
      const nobody = await login(app, await createUser(app));
      assertProblem(await request('GET', url('/roles'), { token: nobody.access_token }), 403, 'forbidden');
      assertProblem(await request('GET', url('/permissions'), { token: nobody.access_token }), 403, 'forbidden');
    });

    it('lists the built-in roles; a reader needs no MFA to read', async () => {
      const reader = await login(app, await createUser(app, { roles: ['reader'] }));
      const res = await request<Page<Role>>('GET', url('/roles?limit=200'), { token: reader.access_token });
      assert.equal(res.status, 200);
      const byName = new Map(res.body.items.map((r) => [r.name, r]));
      assert.deepEqual(Object.keys(byName.get('reader')!).sort(), ['built_in', 'description', 'name', 'permissions']);
      assert.equal(byName.get('admin')!.built_in, true);
      assert.deepEqual(byName.get('user')!.permissions, []);
      assert.deepEqual(byName.get('reader')!.permissions, BUILT_IN_READ);
      const all = await request<Page<{ name: string }>>('GET', url('/permissions?limit=200'), {
        token: reader.access_token,
      });
      assert.deepEqual(byName.get('admin')!.permissions, all.body.items.map((p) => p.name).sort());
    });

    it('reads one role; unknown or malformed names are 404', async () => {
      const res = await request<Role>('GET', url('/roles/reader'), { token: admin });
      assert.equal(res.status, 200);
      assert.equal(res.body.name, 'reader');
      assertProblem(await request('GET', url('/roles/no-such-role'), { token: admin }), 404, 'not_found');
      for (const bad of ['Bad%20Name', '%00', 'x'.repeat(90), '..%2F..', '%E2%80%AE']) {
        assertProblem(await request('GET', url(`/roles/${bad}`), { token: admin }), 404);
      }
    });

    it('paginates with limit and cursor, and refuses bad ones', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Awaited<ReturnType<typeof request<Page<Role>>>> = await request<Page<Role>>(
          'GET',
          url(`/roles?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
          { token: admin },
        );
        assert.equal(res.status, 200);
        assert.ok(res.body.items.length <= 2);
        seen.push(...res.body.items.map((r) => r.name));
        cursor = res.body.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, [...seen].sort());
      assert.equal(new Set(seen).size, seen.length);
      assert.ok(['admin', 'reader', 'user'].every((r) => seen.includes(r)));
      for (const q of [
        'limit=0',
        'limit=201',
        'limit=abc',
        'limit=-1',
        'cursor=!!',
        'cursor=Zm9v',
        'limit=1&limit=2',
        'unknown=1',
      ]) {
        assertProblem(await request('GET', url(`/roles?${q}`), { token: admin }), 400);
      }
    });

    it('lists every permission with a description', async () => {
      const res = await request<Page<{ name: string; description: string; built_in: boolean }>>(
        'GET',
        url('/permissions?limit=200'),
        { token: admin },
      );
      assert.equal(res.status, 200);
      const names = res.body.items.map((p) => p.name);
      for (const p of [
        'users:read',
        'users:write',
        'roles:read',
        'roles:write',
        'clients:read',
        'clients:write',
        'api_keys:read',
        'api_keys:write',
        'audit:read',
        'signing_keys:write',
        'tokens:introspect',
        'tokens:revoke',
      ]) {
        assert.ok(names.includes(p), p);
      }
      assert.ok(
        res.body.items.every(
          (p) => typeof p.description === 'string' && (p.built_in ? p.description.length > 0 : true),
        ),
      );
      const page = await request<Page<unknown>>('GET', url('/permissions?limit=5'), { token: admin });
      assert.equal(page.body.items.length, 5);
      assert.ok(page.body.next_cursor);
    });
  });

  describe('writing', () => {
    it('needs roles:write, and a user token with otp (client tokens are exempt)', async () => {
      const body = { name: newName(), permissions: [] };
      const reader = await sessionWith(app, ['roles:read']);
      assertProblem(await request('POST', url('/roles'), { token: reader.token, json: body }), 403, 'forbidden');
      const noOtp = await sessionWith(app, ['roles:write', 'roles:read'], { mfa: false });
      assertProblem(await request('POST', url('/roles'), { token: noOtp.token, json: body }), 403, 'mfa_required');
      assertProblem(
        await request('POST', url('/permissions'), { token: noOtp.token, json: { name: 'x:y' } }),
        403,
        'mfa_required',
      );
      assertProblem(await request('DELETE', url('/roles/whatever'), { token: noOtp.token }), 403, 'mfa_required');
      const service = await clientSessionWith(app, ['roles:write']);
      const created = await request<Role>('POST', url('/roles'), { token: service.token, json: body });
      assert.equal(created.status, 201, created.text);
      const [row] = await auditRows(app, `event_type = 'role.created' AND subject_id = $1`, [body.name]);
      assert.deepEqual([row.actor_type, row.actor_id], ['client', service.client.clientId]);
    });

    it('creates a role (201), audits it, and refuses a duplicate (409)', async () => {
      const name = newName();
      const res = await request<Role>('POST', url('/roles'), {
        token: admin,
        json: { name, description: 'Reads users', permissions: ['users:read', 'audit:read', 'users:read'] },
      });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(res.body, {
        name,
        description: 'Reads users',
        permissions: ['audit:read', 'users:read'],
        built_in: false,
      });
      assert.deepEqual((await request('GET', url(`/roles/${name}`), { token: admin })).body, res.body);
      const rows = await auditRows(app, `event_type = 'role.created' AND subject_id = $1`, [name]);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].outcome, 'success');
      assert.equal(rows[0].request_id, res.headers.get('x-request-id'));
      assertProblem(
        await request('POST', url('/roles'), { token: admin, json: { name, permissions: [] } }),
        409,
        'conflict',
      );
      assertProblem(
        await request('POST', url('/roles'), { token: admin, json: { name: 'admin', permissions: [] } }),
        409,
      );
    });

    it('validates the body: name, permissions, description, unknown fields, odd JSON', async () => {
      const post = (json: unknown): Promise<HttpResult> => request('POST', url('/roles'), { token: admin, json });
      assertValidation(await post({ name: 'Bad Name', permissions: [] }), 'name');
      assertValidation(await post({ name: '1abc', permissions: [] }), 'name');
      assertValidation(await post({ name: 'a'.repeat(65), permissions: [] }), 'name');
      assertValidation(await post({ name: newName() }), 'permissions');
      assertValidation(await post({ name: newName(), permissions: 'users:read' }), 'permissions');
      assertValidation(await post({ name: newName(), permissions: [42] }), 'permissions');
      assertValidation(await post({ name: newName(), permissions: ['users:read', 'nope:nope'] }), 'permissions');
      assertValidation(await post({ name: newName(), permissions: ['not a permission'] }), 'permissions');
      assertValidation(await post({ name: newName(), permissions: [], description: 'bell\u0007' }), 'description');
      assertValidation(await post({ name: newName(), permissions: [], description: 'x'.repeat(501) }), 'description');
      assertValidation(await post({ name: newName(), permissions: [], built_in: true }), 'built_in');
      assertValidation(await post({ name: `a\u0000b`, permissions: [] }), 'name');
      for (const odd of [null, [], 'role', 42, true]) assertProblem(await post(odd), 400);
      assertProblem(
        await request('POST', url('/roles'), {
          token: admin,
          body: '{"name":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
      );
      assertProblem(
        await request('POST', url('/roles'), {
          token: admin,
          body: 'name=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
      );
      assert.equal((await post({ name: newName(), permissions: [], pad: 'x'.repeat(20_000) })).status, 413);
    });

    it('updates description and permissions of a custom role, auditing what changed', async () => {
      const name = newName();
      await request('POST', url('/roles'), { token: admin, json: { name, permissions: ['users:read', 'audit:read'] } });
      const res = await request<Role>('PATCH', url(`/roles/${name}`), {
        token: admin,
        json: { description: 'new', permissions: ['users:read', 'clients:read'] },
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, {
        name,
        description: 'new',
        permissions: ['clients:read', 'users:read'],
        built_in: false,
      });
      const onlyText = await request<Role>('PATCH', url(`/roles/${name}`), {
        token: admin,
        json: { description: 'newer' },
      });
      assert.deepEqual(onlyText.body.permissions, ['clients:read', 'users:read']);
      const [first] = await auditRows(app, `event_type = 'role.updated' AND subject_id = $1`, [name]);
      assert.deepEqual(first.details.added, ['clients:read']);
      assert.deepEqual(first.details.removed, ['audit:read']);
      assertValidation(
        await request('PATCH', url(`/roles/${name}`), { token: admin, json: { permissions: ['ghost:perm'] } }),
        'permissions',
      );
      assertValidation(
        await request('PATCH', url(`/roles/${name}`), { token: admin, json: { name: 'rename' } }),
        'name',
      );
      assertProblem(
        await request('PATCH', url('/roles/no-such-role'), { token: admin, json: { description: 'x' } }),
        404,
      );
    });

    it('keeps built-in roles read-only (409) and deletes custom ones (204)', async () => {
      for (const builtIn of ['admin', 'user', 'reader']) {
        assertProblem(
          await request('PATCH', url(`/roles/${builtIn}`), { token: admin, json: { permissions: [] } }),
          409,
          'conflict',
        );
        assertProblem(await request('DELETE', url(`/roles/${builtIn}`), { token: admin }), 409, 'conflict');
      }
      const adminRole = await request<Role>('GET', url('/roles/admin'), { token: admin });
      assert.ok(adminRole.body.permissions.includes('roles:write'));
      const name = newName();
      await request('POST', url('/roles'), { token: admin, json: { name, permissions: ['users:read'] } });
      const holder = await createUser(app, { roles: [name, 'user'] });
      const res = await request('DELETE', url(`/roles/${name}`), { token: admin });
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      assertProblem(await request('GET', url(`/roles/${name}`), { token: admin }), 404);
      assertProblem(await request('DELETE', url(`/roles/${name}`), { token: admin }), 404);
      const left = await app
        .get(Database)
        .query<{ role_name: string }>('SELECT role_name FROM user_roles WHERE user_id = $1', [holder.id]);
      assert.deepEqual(
        left.map((r) => r.role_name),
        ['user'],
      );
      assert.equal((await auditRows(app, `event_type = 'role.deleted' AND subject_id = $1`, [name])).length, 1);
    });
  });

  describe('no escalation', () => {
    it('refuses to create or extend a role with a permission the caller lacks (403)', async () => {
      const roleAdmin = await sessionWith(app, ['roles:read', 'roles:write', 'audit:read']);
      const denied = await request('POST', url('/roles'), {
        token: roleAdmin.token,
        json: { name: newName(), permissions: ['audit:read', 'users:write'] },
      });
      assertProblem(denied, 403, 'forbidden');
      assert.match(String(denied.body.detail), /users:write/);
      const name = newName();
      const ok = await request('POST', url('/roles'), {
        token: roleAdmin.token,
        json: { name, permissions: ['audit:read'] },
      });
      assert.equal(ok.status, 201, ok.text);
      assertProblem(
        await request('PATCH', url(`/roles/${name}`), {
          token: roleAdmin.token,
          json: { permissions: ['audit:read', 'users:write'] },
        }),
        403,
      );
      assert.deepEqual((await request<Role>('GET', url(`/roles/${name}`), { token: admin })).body.permissions, [
        'audit:read',
      ]);
      // Another admin gave the role users:write: the role admin may still edit it without granting anything new.
      await request('PATCH', url(`/roles/${name}`), {
        token: admin,
        json: { permissions: ['audit:read', 'users:write'] },
      });
      const keep = await request('PATCH', url(`/roles/${name}`), {
        token: roleAdmin.token,
        json: { description: 'still', permissions: ['users:write'] },
      });
      assert.equal(keep.status, 200, keep.text);
      const noNew = await request('POST', url('/roles'), {
        token: roleAdmin.token,
        json: { name: newName(), permissions: ['roles:write'] },
      });
      assert.equal(noNew.status, 201, 'holding a permission is enough to grant it');
    });

    it('judges what a user holds by its current roles, not by a stale token', async () => {
      const s = await sessionWith(app, ['roles:read', 'roles:write', 'users:read']);
      await app
        .get(Database)
        .query(`DELETE FROM role_permissions WHERE role_name = $1 AND permission_name = 'users:read'`, [s.role]);
      app.get(PermissionCache).invalidate();
      assertProblem(
        await request('POST', url('/roles'), {
          token: s.token,
          json: { name: newName(), permissions: ['users:read'] },
        }),
        403,
      );
    });

    it('applies to client tokens through the client roles', async () => {
      const service = await clientSessionWith(app, ['roles:write']);
      assertProblem(
        await request('POST', url('/roles'), {
          token: service.token,
          json: { name: newName(), permissions: ['users:read'] },
        }),
        403,
      );
    });
  });

  describe('custom permissions', () => {
    it('creates one (201) that unnarrowed admin tokens may grant at once; 409 duplicates, 400 bad names', async () => {
      const name = `${unique('kafka')}:create`;
      const res = await request('POST', url('/permissions'), {
        token: admin,
        json: { name, description: 'Create Kafka topics' },
      });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(res.body, { name, description: 'Create Kafka topics', built_in: false });
      assert.equal((await auditRows(app, `event_type = 'permission.created' AND subject_id = $1`, [name])).length, 1);
      assertProblem(await request('POST', url('/permissions'), { token: admin, json: { name } }), 409, 'conflict');
      assertProblem(await request('POST', url('/permissions'), { token: admin, json: { name: 'users:read' } }), 409);
      for (const bad of [
        'kafka',
        'Kafka:create',
        'kafka:',
        ':create',
        'a:b:c',
        'kafka:cre ate',
        `${'a'.repeat(65)}:x`,
        42,
      ]) {
        assertValidation(await request('POST', url('/permissions'), { token: admin, json: { name: bad } }), 'name');
      }
      assertValidation(
        await request('POST', url('/permissions'), { token: admin, json: { name: 'x:y', description: 'a\nb' } }),
        'description',
      );
      const adminRole = await request<Role>('GET', url('/roles/admin'), { token: admin });
      assert.ok(adminRole.body.permissions.includes(name));
      // The admin token predates the permission, but was issued without a narrowing scope: the permission
      // its role gained since counts as held (API.md), so it may grant it at once. New logins carry it.
      const json = { name: newName(), permissions: [name] };
      const now = await request<Role>('POST', url('/roles'), { token: admin, json });
      assert.equal(now.status, 201, now.text);
      const fresh = await adminSession(app);
      const claims = JSON.parse(Buffer.from(fresh.token.split('.')[1], 'base64url').toString()) as { scope: string };
      assert.ok(claims.scope.split(' ').includes(name), 'new admin tokens carry the custom permission');
      const role = await request<Role>('POST', url('/roles'), {
        token: fresh.token,
        json: { name: newName(), permissions: [name] },
      });
      assert.equal(role.status, 201, role.text);
    });
  });

  describe('effect on tokens', () => {
    it('issues tokens from the current role definitions on every change', async () => {
      const name = newName();
      await request('POST', url('/roles'), { token: admin, json: { name, permissions: ['users:read'] } });
      const client = await createClient(app, { roles: [name] });
      const first = await clientCredentials(app, client.clientId, client.secret!);
      assert.equal(first.body.scope, 'users:read');
      await request('PATCH', url(`/roles/${name}`), {
        token: admin,
        json: { permissions: ['audit:read', 'users:read'] },
      });
      assert.equal((await clientCredentials(app, client.clientId, client.secret!)).body.scope, 'audit:read users:read');
      await request('PATCH', url(`/roles/${name}`), { token: admin, json: { permissions: [] } });
      assert.equal((await clientCredentials(app, client.clientId, client.secret!)).body.scope, '');
    });
  });
});
