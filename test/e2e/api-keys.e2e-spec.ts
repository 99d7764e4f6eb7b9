import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { adminSession, auditRows, createClient, createUser, login } from '../factories';
import { createApiKey, eventually, postApiKey, rotateApiKey, useKey } from '../factories/api-keys';
import { createRole } from '../factories/oauth';
import { basic, postForm } from '../support/http';

describe('/v1/api-keys lifecycle', () => {
  let app: TestApp;
  let admin: string;
  let adminId: string;
  const url = (path = ''): string => `${app.url}/v1/api-keys${path}`;

  before(async () => {
    app = await startTestApp();
    const session = await adminSession(app);
    admin = session.token;
    adminId = session.user.id;
  });
  after(() => app.close());

  it('creates a key shown once, with its prefix, scope defaulting to the owner, and an audit row', async () => {
    const res = await postApiKey(app, { token: admin }, { name: 'ci' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const k = res.body;
    assert.deepEqual(Object.keys(k).sort(), [
      'created_at',
      'expires_at',
      'id',
      'key',
      'name',
      'owner_id',
      'owner_type',
      'prefix',
      'scope',
    ]);
    assert.match(k.key, /^ak_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    assert.equal(k.prefix, k.key.slice(0, 12));
    assert.equal(k.owner_type, 'user');
    assert.equal(k.owner_id, adminId);
    assert.equal(k.expires_at, null);
    assert.ok(k.scope.split(' ').includes('api_keys:write') && k.scope.split(' ').includes('tokens:introspect'));

    const meta = await request('GET', url(`/${k.id}`), { token: admin });
    assert.equal(meta.status, 200);
    assert.equal(meta.body.key, undefined);
    assert.equal(meta.body.last_used_at, null);
    assert.equal(meta.body.status, 'active');
    assert.equal(meta.body.prefix, k.prefix);
    assert.ok(!meta.text.includes(k.key.slice(20)) && !meta.text.includes('hash'));

    const [row] = await auditRows(app, `event_type = 'api_key.created' AND subject_id = $1`, [k.id]);
    assert.equal(row.actor_type, 'user');
    assert.equal(row.actor_id, adminId);
    assert.ok(!JSON.stringify(row).includes(k.key.slice(20)));
  });

  it('answers 401 without or with bad credentials, and audits bad keys sparingly', async () => {
    assert.equal((await request('GET', url())).status, 401);
    const bad = await request('GET', url(), { apiKey: 'ak_nonsense' });
    assert.equal(bad.status, 401);
    assert.match(String(bad.headers.get('content-type')), /problem\+json/);
    const k = await createApiKey(app, { token: admin });
    const wrong = `${k.key.slice(0, -3)}${k.key.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const tag = `garbage-${Date.now()}-`;
    for (let i = 0; i < 20; i++) {
      assert.equal(await useKey(app, wrong), 401);
      const res = await request('GET', url(), { apiKey: `ak_garbage_${i}`, headers: { 'x-request-id': `${tag}${i}` } });
      assert.equal(res.status, 401);
    }
    // The guard only emits the failure; a listener writes the row (DESIGN.md convention 3).
    const readFailures = () => auditRows(app, `event_type = 'api_key.auth_failed' AND subject_id = $1`, [k.id]);
    await eventually(async () => (await readFailures()).length > 0, 5000);
    const failures = await readFailures();
    assert.equal(failures.length, 1);
    assert.equal(failures[0].details.count, 1);
    assert.equal(failures[0].details.reason, 'invalid_secret');
    assert.equal(failures[0].details.prefix, k.prefix);
    assert.ok(!JSON.stringify(failures).includes(k.key.slice(20)));
    // 'ak_nonsense' above already used this minute's row for malformed keys: the flood adds none.
    const flood = await auditRows(app, `event_type = 'api_key.auth_failed' AND request_id LIKE $1`, [`${tag}%`]);
    assert.equal(flood.length, 0);
    const [first] = await auditRows(app, `event_type = 'api_key.auth_failed' AND request_id = $1`, [
      bad.headers.get('x-request-id'),
    ]);
    assert.equal(first.details.reason, 'malformed');
  });

  it('answers 403 for a missing permission and for a user token without otp on :write', async () => {
    const reader = await createUser(app, { roles: ['reader'], mfa: true });
    const readerToken = (await login(app, reader)).access_token;
    assert.equal((await request('GET', url(), { token: readerToken })).status, 200);
    const denied = await postApiKey(app, { token: readerToken }, { name: 'x' });
    assert.equal(denied.status, 403);
    const noOtpAdmin = await createUser(app, { roles: ['admin'] });
    const res = await postApiKey(app, { token: (await login(app, noOtpAdmin)).access_token }, { name: 'x' });
    assert.equal(res.status, 403);
    assert.match(String(res.body.type), /mfa_required$/);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'x'.repeat(90), '%00']) {
      assert.equal((await request('GET', url(`/${id}`), { token: admin })).status, 404);
      assert.equal((await rotateApiKey(app, { token: admin }, id)).status, 404);
      assert.equal((await request('DELETE', url(`/${id}`), { token: admin })).status, 404);
    }
  });

  it('validates the body: past expiry, unknown fields, bad values, unknown owners', async () => {
    const cases: Record<string, unknown>[] = [
      { name: 'x', expires_at: new Date(Date.now() - 1000).toISOString() },
      { name: 'x', expires_at: 'tomorrow' },
      { name: 'x', expires_at: '2030-01-01T00:00:00' },
      { name: 'x', is_admin: true },
      {},
      { name: '' },
      { name: 'x'.repeat(10_000) },
      { name: 'bad\u0000name' },
      { name: 'x', scope: 'a"b' },
      { name: 'x', owner_id: adminId },
      { name: 'x', owner_type: 'robot' },
      { name: 'x', owner_type: 'user', owner_id: '00000000-0000-4000-8000-000000000000' },
      { name: 'x', owner_type: 'client', owner_id: 'no-such-client' },
      { name: 'x', owner_type: 'client' },
    ];
    for (const body of cases) {
      const res = await postApiKey(app, { token: admin }, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.ok(Array.isArray(res.body.errors) || res.body.type, res.text);
    }
    const past = await postApiKey(app, { token: admin }, cases[0]);
    assert.deepEqual(
      (past.body.errors as { field: string }[]).map((e) => e.field),
      ['expires_at'],
    );
    const grace = await rotateApiKey(app, { token: admin }, (await createApiKey(app, { token: admin })).id, {
      grace_seconds: -1,
    });
    assert.equal(grace.status, 400);
    assert.equal((await request('GET', url('?limit=0'), { token: admin })).status, 400);
    assert.equal((await request('GET', url('?cursor=eyJjIjoxfQ'), { token: admin })).status, 400);
  });

  it('never grants beyond the owner or the caller (403)', async () => {
    const reader = await createUser(app, { roles: ['reader'] });
    const beyondOwner = await postApiKey(
      app,
      { token: admin },
      { name: 'x', owner_type: 'user', owner_id: reader.id, scope: 'users:write' },
    );
    assert.equal(beyondOwner.status, 403);
    const forReader = await createApiKey(app, { token: admin }, { owner_type: 'user', owner_id: reader.id });
    assert.ok(forReader.scope.includes('users:read') && !forReader.scope.includes('users:write'));

    // An API key caller holds only its scope: it cannot hand out more, even to an owner who holds it.
    const limited = await createApiKey(app, { token: admin }, { scope: 'api_keys:write api_keys:read' });
    assert.equal((await postApiKey(app, { apiKey: limited.key }, { name: 'x', scope: 'users:read' })).status, 403);
    const child = await createApiKey(app, { apiKey: limited.key }, { name: 'child' });
    assert.equal(child.scope, 'api_keys:read api_keys:write');
    assert.equal(child.owner_id, adminId);
    const wide = await createApiKey(app, { token: admin }, { scope: 'users:read' });
    assert.equal((await rotateApiKey(app, { apiKey: limited.key }, wide.id)).status, 403);
    const [row] = await auditRows(app, `event_type = 'api_key.created' AND subject_id = $1`, [child.id]);
    assert.deepEqual([row.actor_type, row.actor_id], ['api_key', limited.id]);
  });

  it('lets a client token own keys (looked up by its public client_id)', async () => {
    const role = await createRole(app, ['api_keys:write', 'api_keys:read', 'users:read']);
    const client = await createClient(app, { roles: [role] });
    const t = await postForm<{ access_token: string }>(
      `${app.url}/oauth/token`,
      { grant_type: 'client_credentials' },
      basic(client.clientId, client.secret!),
    );
    const k = await createApiKey(app, { token: t.body.access_token });
    assert.deepEqual(
      [k.owner_type, k.owner_id, k.scope],
      ['client', client.id, 'api_keys:read api_keys:write users:read'],
    );
    assert.equal(
      (await postApiKey(app, { token: t.body.access_token }, { name: 'x', scope: 'audit:read' })).status,
      403,
    );
    const byPublicId = await createApiKey(
      app,
      { token: admin },
      { owner_type: 'client', owner_id: client.clientId, scope: 'users:read' },
    );
    assert.equal(byPublicId.owner_id, client.id);
  });

  it('authenticates X-API-Key on /v1, without the admin MFA rule, within its scope', async () => {
    const writer = await createApiKey(app, { token: admin }, { scope: 'api_keys:write api_keys:read' });
    assert.equal(await useKey(app, writer.key), 200);
    assert.equal((await postApiKey(app, { apiKey: writer.key }, { name: 'from key' })).status, 201);
    const readOnly = await createApiKey(app, { token: admin }, { scope: 'api_keys:read' });
    const denied = await postApiKey(app, { apiKey: readOnly.key }, { name: 'x' });
    assert.equal(denied.status, 403);
    assert.doesNotMatch(String(denied.body.type), /mfa_required$/);
    assert.equal(
      (
        await request('GET', `${app.url}/v1/api-keys`, {
          apiKey: (await createApiKey(app, { token: admin }, { scope: 'users:read' })).key,
        })
      ).status,
      403,
    );
  });

  it('rotates without grace: the old key dies at once, the new one works', async () => {
    const old = await createApiKey(app, { token: admin }, { name: 'svc', scope: 'api_keys:read' });
    assert.equal(await useKey(app, old.key), 200);
    const res = await rotateApiKey(app, { token: admin }, old.id);
    assert.equal(res.status, 201);
    assert.deepEqual(
      [res.body.name, res.body.scope, res.body.owner_id, res.body.previous_key_id],
      ['svc', 'api_keys:read', adminId, old.id],
    );
    assert.notEqual(res.body.key, old.key);
    assert.equal(await useKey(app, old.key), 401);
    assert.equal(await useKey(app, res.body.key), 200);
    assert.equal((await rotateApiKey(app, { token: admin }, old.id)).status, 409);
    assert.equal((await request('GET', url(`/${old.id}`), { token: admin })).body.status, 'rotated');
    const [row] = await auditRows(app, `event_type = 'api_key.rotated' AND subject_id = $1`, [old.id]);
    assert.equal(row.details.new_key_id, res.body.id);
  });

  it('rotates with grace: the old key works until the grace ends', async () => {
    const old = await createApiKey(app, { token: admin }, { scope: 'api_keys:read' });
    assert.equal(await useKey(app, old.key), 200);
    const res = await rotateApiKey(app, { token: admin }, old.id, { grace_seconds: 2 });
    assert.equal(res.status, 201);
    assert.equal(await useKey(app, old.key), 200);
    assert.equal(await useKey(app, res.body.key), 200);
    assert.equal((await request('GET', url(`/${old.id}`), { token: admin })).body.status, 'rotating');
    await new Promise((r) => setTimeout(r, Date.parse(res.body.previous_key_expires_at!) - Date.now() + 100));
    assert.equal(await useKey(app, old.key), 401);
    assert.equal(await useKey(app, res.body.key), 200);
  });

  it('revokes at once, idempotently, with an audit row', async () => {
    const k = await createApiKey(app, { token: admin }, { scope: 'api_keys:read' });
    assert.equal(await useKey(app, k.key), 200);
    assert.equal((await request('DELETE', url(`/${k.id}`), { token: admin })).status, 204);
    assert.equal(await useKey(app, k.key), 401);
    assert.equal((await request('DELETE', url(`/${k.id}`), { token: admin })).status, 204);
    assert.equal((await request('GET', url(`/${k.id}`), { token: admin })).body.status, 'revoked');
    assert.equal((await auditRows(app, `event_type = 'api_key.revoked' AND subject_id = $1`, [k.id])).length, 1);
    assert.equal((await rotateApiKey(app, { token: admin }, k.id)).status, 409);
  });

  it('lists newest first with cursor pagination and an owner filter', async () => {
    const owner = await createUser(app, { roles: ['reader'] });
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(await createApiKey(app, { token: admin }, { name: `k${i}`, owner_type: 'user', owner_id: owner.id }));
    const first = await request<{ items: { id: string }[]; next_cursor: string | null }>(
      'GET',
      url(`?limit=2&owner_type=user&owner_id=${owner.id}`),
      { token: admin },
    );
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.items.map((i) => i.id),
      [made[2].id, made[1].id],
    );
    assert.ok(first.body.next_cursor);
    const second = await request<{ items: { id: string }[]; next_cursor: string | null }>(
      'GET',
      url(`?limit=2&owner_type=user&owner_id=${owner.id}&cursor=${first.body.next_cursor}`),
      { token: admin },
    );
    assert.deepEqual(
      second.body.items.map((i) => i.id),
      [made[0].id],
    );
    assert.equal(second.body.next_cursor, null);
    assert.ok(!second.text.includes(made[0].key.slice(20)));
  });
});
