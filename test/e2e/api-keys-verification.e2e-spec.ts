import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterEvents } from '../../src/revocation/cluster-events.service';
import { Database } from '../../src/database/database.service';
import { DataSource } from 'typeorm';
import { API_KEY_CHANGED } from '../../src/api-keys/api-key.types';
import { CLIENT_CHANGED } from '../../src/clients/client-store.service';
import { RequestContext } from '../../src/common/http/request-context';
import { REVOCATION_REMOVED } from '../../src/revocation/revocation.types';
import { PermissionCache, RBAC_CHANGED } from '../../src/rbac/permission-cache.service';
import { basic, postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { adminSession, createClient, createUser, TestClient } from '../factories';
import { createApiKey, deleteClient, disableUser, eventually, rotateApiKey, useKey } from '../factories/api-keys';
import { createRole, introspectorClient } from '../factories/oauth';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('API key verification', () => {
  let app: TestApp;
  let admin: string;
  let introspector: TestClient;
  const introspect = (
    token: string,
    auth: Record<string, string> = basic(introspector.clientId, introspector.secret!),
  ) => postForm(`${app.url}/oauth/introspect`, { token }, auth);
  const meta = async (id: string): Promise<Record<string, unknown>> =>
    (await request('GET', `${app.url}/v1/api-keys/${id}`, { token: admin })).body;

  before(async () => {
    app = await startTestApp();
    admin = (await adminSession(app)).token;
    introspector = await introspectorClient(app);
  });
  after(() => app.close());

  it('stops working once expired (and introspects inactive)', async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const k = await createApiKey(
      app,
      { token: admin },
      { scope: 'api_keys:read', expires_at: expiresAt.toISOString() },
    );
    assert.equal(await useKey(app, k.key), 200);
    assert.equal((await introspect(k.key)).body.exp, Math.floor(expiresAt.getTime() / 1000));
    await sleep(expiresAt.getTime() - Date.now() + 50);
    assert.equal(await useKey(app, k.key), 401);
    assert.deepEqual((await introspect(k.key)).body, { active: false });
    assert.equal((await meta(k.id)).status, 'expired');
  });

  it('sets last_used_at within 5 s of a first use, and does not rewrite it on every request', async () => {
    const k = await createApiKey(app, { token: admin }, { scope: 'api_keys:read' });
    assert.equal((await meta(k.id)).last_used_at, null);
    const used = Date.now();
    assert.equal(await useKey(app, k.key), 200);
    await eventually(async () => (await meta(k.id)).last_used_at !== null, 5000, 100);
    assert.ok(Date.now() - used <= 5000);
    const first = (await meta(k.id)).last_used_at as string;
    assert.ok(Math.abs(Date.parse(first) - used) < 2000);
    for (let i = 0; i < 10; i++) assert.equal(await useKey(app, k.key), 200);
    await sleep(3000);
    assert.equal((await meta(k.id)).last_used_at, first);
  });

  it('is inactive while its user owner is disabled, and active again once re-enabled', async () => {
    const owner = await createUser(app, { roles: ['reader'] });
    const k = await createApiKey(app, { token: admin }, { owner_type: 'user', owner_id: owner.id });
    assert.equal(await useKey(app, k.key), 200);
    const patch = (disabled: boolean) =>
      request('PATCH', `${app.url}/v1/users/${owner.id}`, { token: admin, json: { disabled } });
    const off = await patch(true);
    if (off.status === 404 || off.status === 405) await disableUser(app, owner.id);
    else assert.equal(off.status, 200, off.text);
    assert.equal(await useKey(app, k.key), 401);
    assert.deepEqual((await introspect(k.key)).body, { active: false });
    if (off.status === 200) {
      assert.equal((await patch(false)).status, 200);
      assert.equal(await useKey(app, k.key), 200);
    }
  });

  it('is inactive once its client owner is deleted', async () => {
    const client = await createClient(app, { roles: ['reader'] });
    const k = await createApiKey(app, { token: admin }, { owner_type: 'client', owner_id: client.id });
    assert.equal(await useKey(app, k.key), 200);
    await deleteClient(app, client.id, client.clientId);
    assert.equal(await useKey(app, k.key), 401);
  });

  it("follows the owner's current permissions (scope ∩ owner) after an RBAC change", async () => {
    const role = await createRole(app, ['api_keys:read', 'users:read']);
    const owner = await createUser(app, { roles: [role] });
    const k = await createApiKey(app, { token: admin }, { owner_type: 'user', owner_id: owner.id });
    assert.equal(k.scope, 'api_keys:read users:read');
    assert.equal(await useKey(app, k.key), 200);
    const db = app.get(Database);
    await db.query(`DELETE FROM role_permissions WHERE role_name = $1 AND permission_name = 'api_keys:read'`, [role]);
    await db.transaction((tx) => app.get(PermissionCache).changed(tx));
    assert.equal(await useKey(app, k.key), 403);
    assert.equal((await introspect(k.key)).body.scope, 'users:read');
  });

  it('verifies from memory in steady state: no SELECT once warm', async () => {
    const k = await createApiKey(app, { token: admin }, { scope: 'users:read' });
    assert.equal((await introspect(k.key)).body.active, true);
    // Counted: the statements this app's own DataSource runs (whatever path: query, transaction, repository)
    // inside the measured requests, told apart by their request id. Not counted: other test files (they
    // share the database server, never this DataSource) and this app's background work (LISTEN, reloads).
    const logger = app.get(DataSource).logger;
    const original = logger.logQuery.bind(logger);
    // Other files' changes are NOTIFYed to this instance too and rightly drop its caches: a window in
    // which any event that can drop an API-key answer arrived is measured again.
    let invalidations = 0;
    const events = app.get(ClusterEvents);
    for (const type of [RBAC_CHANGED, CLIENT_CHANGED, API_KEY_CHANGED, REVOCATION_REMOVED]) {
      events.on(type, () => invalidations++);
    }
    events.onSync(async () => {
      invalidations++;
    });
    let selects: string[] = [];
    let measured = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      assert.equal((await introspect(k.key)).body.active, true, 'warm up');
      const before = invalidations;
      const window = `warm-${attempt}-`;
      const seen: string[] = [];
      logger.logQuery = (query, parameters, runner) => {
        if (RequestContext.current().requestId.startsWith(window)) seen.push(query);
        return original(query, parameters, runner);
      };
      try {
        for (let i = 0; i < 20; i++) {
          const headers = { ...basic(introspector.clientId, introspector.secret!), 'x-request-id': `${window}${i}` };
          const res = await postForm(`${app.url}/oauth/introspect`, { token: k.key }, headers);
          assert.equal(res.body.active, true);
          measured++;
        }
      } finally {
        logger.logQuery = original;
      }
      selects = seen.filter((sql) => /^\s*SELECT/i.test(sql));
      if (invalidations === before) break;
    }
    assert.ok(measured >= 20);
    assert.deepEqual(selects, []);
  });

  it('counts the statements of its own requests (self-check of the measurement above)', async () => {
    const logger = app.get(DataSource).logger;
    const original = logger.logQuery.bind(logger);
    const seen: string[] = [];
    logger.logQuery = (query, parameters, runner) => {
      if (RequestContext.current().requestId === 'count-self-check') seen.push(query);
      return original(query, parameters, runner);
    };
    try {
      // An unknown client must be looked up: at least one SELECT, attributed to this request.
      const headers = { ...basic('no-such-client-self-check', 'x'), 'x-request-id': 'count-self-check' };
      await postForm(`${app.url}/oauth/introspect`, { token: 'x' }, headers);
    } finally {
      logger.logQuery = original;
    }
    assert.ok(
      seen.some((sql) => /^\s*SELECT/i.test(sql)),
      'the lookup of an unknown client was not seen',
    );
  });

  it('introspects an active key with exactly the contract fields, and accepts X-API-Key callers', async () => {
    const k = await createApiKey(app, { token: admin }, { scope: 'users:read' });
    const res = await introspect(k.key);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      active: true,
      token_type: 'api_key',
      sub: k.id,
      owner_type: 'user',
      owner_id: k.owner_id,
      scope: 'users:read',
    });
    assert.deepEqual((await introspect(`${k.key.slice(0, -1)}x`)).body, { active: false });
    assert.deepEqual((await introspect('ak_garbage')).body, { active: false });

    const callerKey = await createApiKey(app, { token: admin }, { scope: 'tokens:introspect' });
    const viaKey = await introspect(k.key, { 'x-api-key': callerKey.key });
    assert.equal(viaKey.status, 200);
    assert.equal(viaKey.body.sub, k.id);
    const noPermission = await introspect(k.key, { 'x-api-key': k.key });
    assert.equal(noPermission.status, 403);

    const rotated = await rotateApiKey(app, { token: admin }, k.id, { grace_seconds: 60 });
    const during = (await introspect(k.key)).body;
    assert.equal(during.active, true);
    assert.equal(during.exp, Math.floor(Date.parse(rotated.body.previous_key_expires_at!) / 1000));
    assert.equal((await request('DELETE', `${app.url}/v1/api-keys/${k.id}`, { token: admin })).status, 204);
    assert.deepEqual((await introspect(k.key)).body, { active: false });
    assert.equal((await introspect(rotated.body.key)).body.active, true);
  });

  // Last on purpose: @nestjs/passport registers strategies in passport's process-wide registry, so
  // once a second app starts in this process, /v1 credentials are checked by that app's services.
  // Only X-API-Key credentials (valid on both, same database) are used from here on.
  it('sees a revocation and a rotation on a second instance within 1 s', async () => {
    const operator = await createApiKey(app, { token: admin }, { scope: 'api_keys:write api_keys:read' });
    const revoked = await createApiKey(app, { token: admin }, { scope: 'api_keys:read' });
    const rotated = await createApiKey(app, { token: admin }, { scope: 'api_keys:read' });
    const other = await startTestApp();
    try {
      const introspectOther = async (key: string) =>
        (
          await postForm(
            `${other.url}/oauth/introspect`,
            { token: key },
            basic(introspector.clientId, introspector.secret!),
          )
        ).body.active;
      // Warm the second instance's caches: from here it answers from memory.
      for (const k of [revoked, rotated]) {
        assert.equal(await useKey(other, k.key), 200);
        assert.equal(await introspectOther(k.key), true);
      }
      assert.equal(
        (await request('DELETE', `${app.url}/v1/api-keys/${revoked.id}`, { apiKey: operator.key })).status,
        204,
      );
      assert.equal((await rotateApiKey(app, { apiKey: operator.key }, rotated.id)).status, 201);
      const dead = async (key: string) => (await useKey(other, key)) === 401 && (await introspectOther(key)) === false;
      const elapsed = await eventually(async () => (await dead(revoked.key)) && (await dead(rotated.key)), 1000, 20);
      assert.ok(elapsed <= 1000);
    } finally {
      await other.close();
    }
  });
});
