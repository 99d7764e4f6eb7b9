import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '../../src/common/crypto/secrets';
import { Database } from '../../src/database/database.service';
import { basic, HttpResult, postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { adminSession, auditRows, createUser, login, unique } from '../factories';
import {
  assertNoSecret,
  assertProblem,
  assertValidation,
  clientCredentials,
  clientSessionWith,
  roleWith,
  sessionWith,
} from '../factories/admin';

interface Client {
  client_id: string;
  client_secret?: string;
  name: string;
  confidential: boolean;
  grant_types: string[];
  roles: string[];
  created_at: string;
  token_endpoint_auth_method?: string;
}
interface Rotated {
  client_id: string;
  client_secret: string;
  previous_secret_expires_at: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('clients admin API', () => {
  let app: TestApp;
  let admin: string;
  before(async () => {
    app = await startTestApp();
    admin = (await adminSession(app)).token;
  });
  after(() => app.close());

  const url = (path: string): string => `${app.url}/v1${path}`;
  const create = (json: unknown, token = admin): Promise<HttpResult<Client>> =>
    request<Client>('POST', url('/clients'), { token, json });
  const service = async (roles: string[] = []): Promise<Client> => {
    const res = await create({ name: unique('svc-'), confidential: true, grant_types: ['client_credentials'], roles });
    assert.equal(res.status, 201, res.text);
    return res.body;
  };

  describe('create', () => {
    it('registers a confidential client: secret shown once, stored only as SHA-256, audited', async () => {
      const role = await roleWith(app, ['users:read']);
      const res = await create({
        name: 'Billing service',
        confidential: true,
        grant_types: ['client_credentials'],
        roles: [role],
      });
      assert.equal(res.status, 201, res.text);
      const c = res.body;
      assert.deepEqual(Object.keys(c).sort(), [
        'client_id',
        'client_secret',
        'confidential',
        'created_at',
        'grant_types',
        'name',
        'roles',
        'token_endpoint_auth_method',
        'token_exchange_audiences',
      ]);
      assert.equal(c.token_endpoint_auth_method, 'client_secret_basic');
      assert.match(c.client_id, /^[A-Za-z0-9]{16,}$/);
      assert.match(c.client_secret!, /^cs_[A-Za-z0-9_-]{43,}$/);
      assert.deepEqual(
        [c.name, c.confidential, c.grant_types, c.roles],
        ['Billing service', true, ['client_credentials'], [role]],
      );
      assert.ok(Math.abs(Date.parse(c.created_at) - Date.now()) < 60_000);
      assert.match(c.created_at, /Z$/);
      const [row] = await app
        .get(Database)
        .query<{ secret_hash: Buffer }>('SELECT secret_hash FROM clients WHERE client_id = $1', [c.client_id]);
      assert.deepEqual(row.secret_hash, sha256(c.client_secret!));
      const [audit] = await auditRows(app, `event_type = 'client.created' AND subject_id = $1`, [c.client_id]);
      assert.equal(audit.outcome, 'success');
      assertNoSecret(JSON.stringify(audit), [
        c.client_secret!,
        row.secret_hash.toString('hex'),
        row.secret_hash.toString('base64'),
      ]);
      const token = await clientCredentials(app, c.client_id, c.client_secret!);
      assert.equal(token.status, 200, token.text);
      assert.equal(token.body.scope, 'users:read');
    });

    it('registers a public client without a secret; it logs users in', async () => {
      const res = await create({ name: 'Mobile app', confidential: false, grant_types: ['password', 'refresh_token'] });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.body.client_secret, undefined);
      const user = await createUser(app);
      const grant = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'password',
        client_id: res.body.client_id,
        username: user.username,
        password: user.password,
      });
      assert.equal(grant.status, 200, grant.text);
    });

    it('refuses client_credentials for a public client, and invalid bodies (400)', async () => {
      assertValidation(
        await create({ name: 'x', confidential: false, grant_types: ['client_credentials'] }),
        'grant_types',
      );
      assertValidation(
        await create({ name: 'x', confidential: true, grant_types: ['authorization_code'] }),
        'grant_types',
      );
      assertValidation(await create({ name: 'x', confidential: true, grant_types: [] }), 'grant_types');
      assertValidation(await create({ name: 'x', confidential: true }), 'grant_types');
      assertValidation(await create({ name: 'x', confidential: 'yes', grant_types: ['password'] }), 'confidential');
      assertValidation(await create({ confidential: true, grant_types: ['password'] }), 'name');
      assertValidation(await create({ name: '', confidential: true, grant_types: ['password'] }), 'name');
      assertValidation(await create({ name: 'a\u0000b', confidential: true, grant_types: ['password'] }), 'name');
      assertValidation(await create({ name: 'x'.repeat(201), confidential: true, grant_types: ['password'] }), 'name');
      assertValidation(
        await create({ name: 'x', confidential: true, grant_types: ['password'], roles: ['no-such-role'] }),
        'roles',
      );
      assertValidation(
        await create({ name: 'x', confidential: true, grant_types: ['password'], roles: ['Bad Role'] }),
        'roles',
      );
      assertValidation(
        await create({ name: 'x', confidential: true, grant_types: ['password'], client_secret: 'cs_mine' }),
        'client_secret',
      );
      for (const odd of [null, [], 'x', 1]) assertProblem(await create(odd), 400);
    });

    it('needs clients:write (403), MFA for user tokens, and no escalation through roles', async () => {
      const body = { name: 'x', confidential: true, grant_types: ['client_credentials'] };
      assertProblem(await request('POST', url('/clients'), { json: body }), 401);
      const reader = await sessionWith(app, ['clients:read']);
      assertProblem(await create(body, reader.token), 403, 'forbidden');
      const noOtp = await sessionWith(app, ['clients:write'], { mfa: false });
      assertProblem(await create(body, noOtp.token), 403, 'mfa_required');
      const writer = await sessionWith(app, ['clients:write', 'users:read']);
      assertProblem(await create({ ...body, roles: ['reader'] }, writer.token), 403, 'forbidden');
      assertProblem(await create({ ...body, roles: ['admin'] }, writer.token), 403);
      const ok = await create({ ...body, roles: [await roleWith(app, ['users:read'])] }, writer.token);
      assert.equal(ok.status, 201, ok.text);
      const machine = await clientSessionWith(app, ['clients:write']);
      assert.equal((await create(body, machine.token)).status, 201, 'client tokens are not subject to MFA');
    });
  });

  describe('read', () => {
    it('lists and reads clients without any secret, with cursor pagination', async () => {
      const mine = await service();
      const reader = await sessionWith(app, ['clients:read'], { mfa: false });
      const one = await request<Client>('GET', url(`/clients/${mine.client_id}`), { token: reader.token });
      assert.equal(one.status, 200);
      const { client_secret: _secret, ...shown } = mine;
      assert.deepEqual(one.body, shown);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: HttpResult<{ items: Client[]; next_cursor: string | null }> = await request(
          'GET',
          url(`/clients?limit=3${cursor ? `&cursor=${cursor}` : ''}`),
          { token: reader.token },
        );
        assert.equal(page.status, 200);
        assert.ok(page.body.items.length <= 3);
        assertNoSecret(page.text, ['cs_', '"client_secret"', 'secret_hash']);
        seen.push(...page.body.items.map((c) => c.client_id));
        cursor = page.body.next_cursor;
      } while (cursor);
      assert.ok(seen.includes(mine.client_id) && seen.includes(app.config.bootstrapClientId));
      assert.equal(new Set(seen).size, seen.length);
      assertProblem(await request('GET', url('/clients?limit=500'), { token: reader.token }), 400);
      assertProblem(await request('GET', url('/clients?cursor=%25%25'), { token: reader.token }), 400);
      assertProblem(
        await request('GET', url('/clients'), { token: (await sessionWith(app, ['users:read'])).token }),
        403,
      );
    });

    it('answers 404 for unknown, malformed and deleted ids', async () => {
      for (const id of ['nope', '%00', 'a%20b', 'x'.repeat(90), '%F0%9F%98%80']) {
        assertProblem(await request('GET', url(`/clients/${id}`), { token: admin }), 404, 'not_found');
      }
      const c = await service();
      assert.equal((await request('DELETE', url(`/clients/${c.client_id}`), { token: admin })).status, 204);
      assertProblem(await request('GET', url(`/clients/${c.client_id}`), { token: admin }), 404);
      const list = await request<{ items: Client[] }>('GET', url('/clients?limit=200'), { token: admin });
      assert.ok(!list.body.items.some((x) => x.client_id === c.client_id));
    });
  });

  describe('secret rotation', () => {
    it('without grace: the new secret works, the old one fails at once', async () => {
      const c = await service();
      const res = await request<Rotated>('POST', url(`/clients/${c.client_id}/secret`), { token: admin, json: {} });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(Object.keys(res.body).sort(), ['client_id', 'client_secret', 'previous_secret_expires_at']);
      assert.notEqual(res.body.client_secret, c.client_secret);
      assert.ok(Date.parse(res.body.previous_secret_expires_at) <= Date.now() + 1000);
      assert.equal((await clientCredentials(app, c.client_id, c.client_secret!)).status, 401);
      assert.equal((await clientCredentials(app, c.client_id, res.body.client_secret)).status, 200);
      const [audit] = await auditRows(app, `event_type = 'client.secret_rotated' AND subject_id = $1`, [c.client_id]);
      assert.equal(audit.details.grace_seconds, 0);
      assertNoSecret(JSON.stringify(audit), [res.body.client_secret, c.client_secret!]);
      const noBody = await request<Rotated>('POST', url(`/clients/${c.client_id}/secret`), { token: admin });
      assert.equal(noBody.status, 201, 'the body is optional');
    });

    it('with grace: both secrets work until the grace ends, then only the new one', async () => {
      const c = await service();
      // Warm the credential caches with the old secret: rotation must evict them.
      assert.equal((await clientCredentials(app, c.client_id, c.client_secret!)).status, 200);
      const res = await request<Rotated>('POST', url(`/clients/${c.client_id}/secret`), {
        token: admin,
        json: { grace_seconds: 2 },
      });
      assert.equal(res.status, 201, res.text);
      const expires = Date.parse(res.body.previous_secret_expires_at);
      assert.ok(expires > Date.now() && expires <= Date.now() + 3000, res.body.previous_secret_expires_at);
      assert.equal(
        (await clientCredentials(app, c.client_id, c.client_secret!)).status,
        200,
        'old secret works during the grace',
      );
      assert.equal(
        (
          await postForm(
            `${app.url}/oauth/token`,
            { grant_type: 'client_credentials' },
            basic(c.client_id, res.body.client_secret),
          )
        ).status,
        200,
      );
      await sleep(Math.max(0, expires - Date.now()) + 300);
      assert.equal(
        (await clientCredentials(app, c.client_id, c.client_secret!)).status,
        401,
        'old secret fails after the grace',
      );
      assert.equal((await clientCredentials(app, c.client_id, res.body.client_secret)).status, 200);
    });

    it('validates grace_seconds, refuses public (409), unknown (404) and needs clients:write', async () => {
      const c = await service();
      for (const grace of [-1, 1.5, '10', 7 * 86_400 + 1, 1e20, true]) {
        assertValidation(
          await request('POST', url(`/clients/${c.client_id}/secret`), {
            token: admin,
            json: { grace_seconds: grace },
          }),
          'grace_seconds',
        );
      }
      assert.equal(
        (
          await request('POST', url(`/clients/${c.client_id}/secret`), {
            token: admin,
            json: { grace_seconds: 7 * 86_400 },
          })
        ).status,
        201,
      );
      assertProblem(
        await request('POST', url(`/clients/${app.config.bootstrapClientId}/secret`), { token: admin, json: {} }),
        409,
      );
      assertProblem(await request('POST', url('/clients/nope/secret'), { token: admin, json: {} }), 404);
      const reader = await sessionWith(app, ['clients:read']);
      assertProblem(
        await request('POST', url(`/clients/${c.client_id}/secret`), { token: reader.token, json: {} }),
        403,
      );
      const noOtp = await sessionWith(app, ['clients:write'], { mfa: false });
      assertProblem(
        await request('POST', url(`/clients/${c.client_id}/secret`), { token: noOtp.token, json: {} }),
        403,
        'mfa_required',
      );
    });
  });

  describe('delete', () => {
    it('kills the client: its access tokens at /v1, its grant, refresh tokens and API keys; audited', async () => {
      const c = await service([await roleWith(app, ['roles:read'])]);
      const token = (await clientCredentials(app, c.client_id, c.client_secret!)).body.access_token;
      assert.equal((await request('GET', url('/roles'), { token })).status, 200);
      const [row] = await app
        .get(Database)
        .query<{ id: string }>('SELECT id FROM clients WHERE client_id = $1', [c.client_id]);
      await app.get(Database).query(
        `INSERT INTO api_keys (lookup_id, secret_hash, prefix, name, scope, owner_type, owner_id)
         VALUES ($1, $2, 'ak_test', 'k', 'roles:read', 'client', $3)`,
        [unique('lk'), sha256('x'), row.id],
      );
      const res = await request('DELETE', url(`/clients/${c.client_id}`), { token: admin });
      assert.equal(res.status, 204);
      assert.equal(res.text, '');
      assertProblem(await request('GET', url('/roles'), { token }), 401);
      const grant = await clientCredentials(app, c.client_id, c.client_secret!);
      assert.equal(grant.status, 401);
      assert.equal(grant.body.error, 'invalid_client');
      const keys = await app
        .get(Database)
        .query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE owner_id = $1', [row.id]);
      assert.ok(keys.every((k) => k.revoked_at !== null));
      assert.equal(
        (await auditRows(app, `event_type = 'client.deleted' AND subject_id = $1`, [c.client_id])).length,
        1,
      );
      assertProblem(await request('DELETE', url(`/clients/${c.client_id}`), { token: admin }), 404);
    });

    it('revokes refresh tokens issued through a deleted public client', async () => {
      const app2 = await create({ name: 'spa', confidential: false, grant_types: ['password', 'refresh_token'] });
      const user = await createUser(app);
      const first = await postForm<{ refresh_token: string; access_token: string }>(`${app.url}/oauth/token`, {
        grant_type: 'password',
        client_id: app2.body.client_id,
        username: user.username,
        password: user.password,
      });
      assert.equal(first.status, 200);
      assert.equal((await request('DELETE', url(`/clients/${app2.body.client_id}`), { token: admin })).status, 204);
      const refresh = await postForm(`${app.url}/oauth/token`, {
        grant_type: 'refresh_token',
        client_id: app2.body.client_id,
        refresh_token: first.body.refresh_token,
      });
      assert.equal(refresh.status, 401);
      const [rt] = await app
        .get(Database)
        .query<{ revoked_at: Date | null }>('SELECT revoked_at FROM refresh_tokens WHERE user_id = $1', [user.id]);
      assert.ok(rt.revoked_at);
      // The user's logins through other clients are untouched.
      assert.ok((await login(app, user)).access_token);
    });

    it('keeps the bootstrap client (409), answers 404 for unknown ids, needs clients:write with MFA', async () => {
      assertProblem(
        await request('DELETE', url(`/clients/${app.config.bootstrapClientId}`), { token: admin }),
        409,
        'conflict',
      );
      assertProblem(await request('DELETE', url('/clients/nope'), { token: admin }), 404);
      const c = await service();
      assertProblem(await request('DELETE', url(`/clients/${c.client_id}`)), 401);
      assertProblem(
        await request('DELETE', url(`/clients/${c.client_id}`), {
          token: (await sessionWith(app, ['clients:read'])).token,
        }),
        403,
        'forbidden',
      );
      assertProblem(
        await request('DELETE', url(`/clients/${c.client_id}`), {
          token: (await sessionWith(app, ['clients:write'], { mfa: false })).token,
        }),
        403,
        'mfa_required',
      );
      const machine = await clientSessionWith(app, ['clients:write']);
      assert.equal((await request('DELETE', url(`/clients/${c.client_id}`), { token: machine.token })).status, 204);
    });
  });
});
