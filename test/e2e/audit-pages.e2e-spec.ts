import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_ACTOR } from '../../src/audit/audit.types';
import { decryptAesGcm, encryptAesGcm } from '../../src/common/crypto/secrets';
import { Database } from '../../src/database/database.service';
import { PermissionCache } from '../../src/rbac/permission-cache.service';
import { KeyRing } from '../../src/tokens/key-ring.service';
import { SigningKeyRotation } from '../../src/tokens/signing-key-rotation.service';
import { sessionWith } from '../factories/admin';
import { unique } from '../factories';
import { freshDatabase, FreshDatabase } from '../support/fresh-database';
import { HttpResult, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const ROWS = 230;

/**
 * Walks every page of a cursor-paged list with a small page size and returns
 * the keys in the order served; fails on a key served twice.
 */
async function walk(
  app: TestApp,
  token: string,
  path: string,
  key: (item: Record<string, unknown>) => string,
): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res: HttpResult<{ items: Record<string, unknown>[]; next_cursor: string | null }> = await request<{
      items: Record<string, unknown>[];
      next_cursor: string | null;
    }>('GET', `${app.url}${path}${sep}limit=37${cursor ? `&cursor=${cursor}` : ''}`, { token });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.body.items.length <= 37);
    seen.push(...res.body.items.map(key));
    cursor = res.body.next_cursor;
    if (cursor === null) break;
  }
  assert.equal(new Set(seen).size, seen.length, `${path}: an item was served twice`);
  return seen;
}

/** Our rows, in the order the served walk has them, must be the database's order of our rows: no gap, no overlap. */
function assertSameOrder(served: string[], expected: string[], label: string): void {
  const ours = new Set(expected);
  assert.equal(expected.length >= ROWS, true, `${label}: fixture too small`);
  assert.deepEqual(
    served.filter((k) => ours.has(k)),
    expected,
    `${label}: pages skip, repeat or misorder rows`,
  );
}

/**
 * On a database of its own: hundreds of extra roles and permissions in the
 * shared one would push the built-in ones off other suites' first pages.
 */
describe('every cursor-paged list walks more than 200 rows without gap or overlap (issue 9 item 1)', () => {
  let own: FreshDatabase;
  let app: TestApp;
  let token: string;
  let db: Database;
  const tag = unique('pg');
  before(async () => {
    own = await freshDatabase();
    app = await startTestApp({ DATABASE_URL: own.url, SIGNING_ALGORITHM: 'ES256' });
    db = app.get(Database);
    const perms = ['users:read', 'roles:read', 'clients:read', 'api_keys:read', 'audit:read'];
    token = (await sessionWith(app, perms, { mfa: false })).token;
  });
  after(async () => {
    await app.close();
    await own.drop();
  });

  // Several rows share a created_at, so the id tie-breaker is exercised too.
  const stamp = `now() - ((g / 3)::int * interval '1 millisecond')`;

  it('audit events: newest first by numeric id, across ids of different lengths', async () => {
    await db.query(
      `INSERT INTO audit_events (event_type, outcome, actor_type, actor_id)
       SELECT 'test.pages', 'success', 'system', $1 FROM generate_series(1, $2::int) g`,
      [tag, ROWS],
    );
    const served = await walk(app, token, `/v1/audit-events?actor_id=${tag}`, (i) => i.id as string);
    assert.equal(served.length, ROWS);
    const expected = (
      await db.query<{ id: string }>(
        'SELECT id::text AS id FROM audit_events WHERE actor_id = $1 ORDER BY audit_events.id DESC',
        [tag],
      )
    ).map((r) => r.id);
    assert.deepEqual(served, expected);
    // And unfiltered: our rows come out whole and in order among the others.
    assertSameOrder(await walk(app, token, '/v1/audit-events', (i) => i.id as string), expected, 'audit');
  });

  it('users: oldest first by (created_at, id)', async () => {
    await db.query(
      `INSERT INTO users (username, username_key, password_hash, created_at)
       SELECT $1 || g, $1 || g, 'x', ${stamp} FROM generate_series(1, $2::int) g`,
      [tag, ROWS],
    );
    const expected = (
      await db.query<{ id: string }>(
        'SELECT id::text AS id FROM users WHERE username LIKE $1 ORDER BY created_at, id',
        [`${tag}%`],
      )
    ).map((r) => r.id);
    assertSameOrder(await walk(app, token, '/v1/users', (i) => i.id as string), expected, 'users');
  });

  it('roles and permissions: by name', async () => {
    await db.query(`INSERT INTO permissions (name) SELECT $1 || ':p' || g FROM generate_series(1, $2::int) g`, [
      tag,
      ROWS,
    ]);
    await db.query(`INSERT INTO roles (name) SELECT $1 || '_r' || g FROM generate_series(1, $2::int) g`, [tag, ROWS]);
    app.get(PermissionCache).invalidate();
    const perms = (
      await db.query<{ name: string }>('SELECT name FROM permissions WHERE name LIKE $1 ORDER BY name', [`${tag}:%`])
    ).map((r) => r.name);
    assertSameOrder(await walk(app, token, '/v1/permissions', (i) => i.name as string), perms, 'permissions');
    const roles = (
      await db.query<{ name: string }>('SELECT name FROM roles WHERE name LIKE $1 ORDER BY name', [`${tag}\\_r%`])
    ).map((r) => r.name);
    assertSameOrder(await walk(app, token, '/v1/roles', (i) => i.name as string), roles, 'roles');
  });

  it('clients: by client_id', async () => {
    await db.query(
      `INSERT INTO clients (client_id, name, confidential, grant_types, created_at)
       SELECT $1 || g, 'n', false, '{authorization_code}', ${stamp} FROM generate_series(1, $2::int) g`,
      [tag, ROWS],
    );
    const expected = (
      await db.query<{ c: string }>('SELECT client_id AS c FROM clients WHERE client_id LIKE $1 ORDER BY client_id', [
        `${tag}%`,
      ])
    ).map((r) => r.c);
    assertSameOrder(await walk(app, token, '/v1/clients', (i) => i.client_id as string), expected, 'clients');
  });

  it('API keys: newest first by (created_at, id)', async () => {
    const [owner] = await db.query<{ id: string }>(`SELECT id FROM users WHERE username = $1`, [`${tag}1`]);
    await db.query(
      `INSERT INTO api_keys (lookup_id, secret_hash, prefix, name, scope, owner_type, owner_id, created_at)
       SELECT $1 || g, '\\x00', 'p', 'k', '', 'user', $3::uuid, ${stamp} FROM generate_series(1, $2::int) g`,
      [tag, ROWS, owner.id],
    );
    const expected = (
      await db.query<{ id: string }>(
        'SELECT id::text AS id FROM api_keys WHERE lookup_id LIKE $1 ORDER BY created_at DESC, id DESC',
        [`${tag}%`],
      )
    ).map((r) => r.id);
    assertSameOrder(await walk(app, token, '/v1/api-keys', (i) => i.id as string), expected, 'api keys');
  });

  it('signing keys: newest first, every key once', async () => {
    // One real rotation, then copies of that key under new kids (re-encrypted: the kid is the AES-GCM AAD).
    await app.get(SigningKeyRotation).rotate(SYSTEM_ACTOR, 0);
    const { rows } = await own.sql.query<{ kid: string; enc: Buffer }>(
      `SELECT kid, private_key_enc AS enc FROM signing_keys WHERE retired_at IS NULL`,
    );
    const kek = app.config.keyEncryptionKey!;
    const der = decryptAesGcm(kek, rows[0].enc, rows[0].kid);
    for (let i = 0; i < ROWS - 2; i++) {
      const kid = unique('k');
      await own.sql.query(
        `INSERT INTO signing_keys (kid, alg, public_jwk, private_key_enc, created_at, activates_at, retired_at)
         SELECT $1, alg, jsonb_set(public_jwk, '{kid}', to_jsonb($1::text)), $2,
                now() - ($3::int / 3) * interval '1 millisecond', now() - interval '1 hour', now()
         FROM signing_keys WHERE kid = $4`,
        [kid, encryptAesGcm(kek, der, kid), i, rows[0].kid],
      );
    }
    await app.get(KeyRing).reload();
    const keysToken = (await sessionWith(app, ['signing_keys:write'])).token;
    // The key ring orders in memory at JavaScript's millisecond precision, kid breaking ties.
    const expected = (
      await own.sql.query<{ kid: string }>(
        `SELECT kid FROM signing_keys ORDER BY date_trunc('milliseconds', created_at) DESC, kid COLLATE "C"`,
      )
    ).rows.map((r) => r.kid);
    const served = await walk(app, keysToken, '/v1/signing-keys', (i) => i.kid as string);
    assert.equal(served.length, ROWS);
    assert.deepEqual(served, expected);
  });
});
