import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpResult, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { adminSession, createUser, login, passwordGrant, TestUser } from '../factories';
import { assertNoSecret, assertProblem, assertValidation, sessionWith } from '../factories/admin';

interface AuditEvent {
  id: string;
  seq: number | null;
  hash: string | null;
  occurred_at: string;
  event_type: string;
  outcome: string;
  actor_type: string;
  actor_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}
type Page = HttpResult<{ items: AuditEvent[]; next_cursor: string | null }>;

const FIELDS = [
  'actor_id',
  'actor_type',
  'details',
  'event_type',
  'hash',
  'id',
  'ip',
  'occurred_at',
  'outcome',
  'request_id',
  'seq',
  'subject_id',
  'subject_type',
  'user_agent',
];

describe('audit events API', () => {
  let app: TestApp;
  let auditor: string;
  let user: TestUser;
  let started: string;
  before(async () => {
    app = await startTestApp();
    // audit:read is a read permission: no MFA needed.
    auditor = (await sessionWith(app, ['audit:read'], { mfa: false })).token;
    started = new Date(Date.now() - 1000).toISOString();
    user = await createUser(app);
    await passwordGrant(app, { username: user.username, password: 'wrong-password-123' });
    await login(app, user);
    await login(app, user);
  });
  after(() => app.close());

  const events = (query: string, token = auditor): Promise<Page> =>
    request('GET', `${app.url}/v1/audit-events${query}`, { token });

  it('needs audit:read', async () => {
    assertProblem(await request('GET', `${app.url}/v1/audit-events`), 401, 'unauthorized');
    assertProblem(await events('', 'garbage'), 401);
    assertProblem(await events('', (await sessionWith(app, ['users:read'])).token), 403, 'forbidden');
    const reader = await login(app, await createUser(app, { roles: ['reader'] }));
    assert.equal((await events('', reader.access_token)).status, 200);
  });

  it('returns rows shaped like the audit table, newest first, without secrets', async () => {
    const res = await events(`?actor_id=${user.id}`);
    assert.equal(res.status, 200, res.text);
    const items = res.body.items;
    assert.ok(items.length >= 4, res.text);
    for (const e of items) {
      assert.deepEqual(Object.keys(e).sort(), FIELDS);
      assert.match(e.id, /^\d+$/);
      assert.ok(e.seq === null || Number.isSafeInteger(e.seq), 'seq is an integer once sealed');
      assert.ok(e.hash === null || /^[0-9a-f]{64}$/.test(e.hash));
      assert.match(e.occurred_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      assert.ok(Number.isFinite(Date.parse(e.occurred_at)));
      assert.equal(e.actor_id, user.id);
      assert.equal(typeof e.details, 'object');
    }
    const ids = items.map((e) => BigInt(e.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)),
    );
    assert.equal(res.body.next_cursor, null);
    assertNoSecret(res.text, [user.password]);
    const login = items.find((e) => e.event_type === 'token.issued')!;
    assert.equal(login.details.grant_type, 'password');
    assert.equal(login.ip, '127.0.0.1');
  });

  it('filters by event_type, outcome, subject_id, and combines them', async () => {
    const logins = await events(`?event_type=user.login&subject_id=${user.id}`);
    assert.equal(logins.status, 200);
    assert.equal(logins.body.items.length, 3);
    assert.ok(logins.body.items.every((e) => e.event_type === 'user.login' && e.subject_id === user.id));
    const failures = await events(`?event_type=user.login&outcome=failure&subject_id=${user.id}`);
    assert.equal(failures.body.items.length, 1);
    assert.equal(failures.body.items[0].details.reason, 'invalid_password');
    const successes = await events(`?outcome=success&event_type=user.login&subject_id=${user.id}`);
    assert.equal(successes.body.items.length, 2);
    assert.deepEqual((await events('?event_type=no.such.event')).body.items, []);
    assert.deepEqual((await events('?actor_id=nobody-at-all')).body.items, []);
  });

  it('filters by time: since and until are RFC 3339, inclusive, any offset', async () => {
    const all = (await events(`?subject_id=${user.id}&event_type=user.login`)).body.items;
    const oldest = all[all.length - 1];
    const newest = all[0];
    const inside = await events(
      `?subject_id=${user.id}&event_type=user.login` +
        `&since=${encodeURIComponent(oldest.occurred_at)}&until=${encodeURIComponent(newest.occurred_at)}`,
    );
    assert.deepEqual(
      inside.body.items.map((e) => e.id),
      all.map((e) => e.id),
      'both bounds are inclusive',
    );
    const afterFirst = await events(
      `?subject_id=${user.id}&event_type=user.login&since=${encodeURIComponent(all[1].occurred_at)}`,
    );
    assert.deepEqual(
      afterFirst.body.items.map((e) => e.id),
      all.slice(0, 2).map((e) => e.id),
    );
    assert.equal(
      (await events(`?subject_id=${user.id}&since=${encodeURIComponent(started)}`)).body.items.length >= 3,
      true,
    );
    const future = new Date(Date.now() + 3_600_000).toISOString();
    assert.deepEqual((await events(`?subject_id=${user.id}&since=${future}`)).body.items, []);
    assert.deepEqual((await events(`?subject_id=${user.id}&until=2000-01-01T00:00:00Z`)).body.items, []);
    const shifted = new Date(Date.parse(started)).toISOString().replace('Z', '').slice(0, 19);
    const plusTwo = `${new Date(Date.parse(`${shifted}Z`) + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;
    assert.ok(
      (await events(`?subject_id=${user.id}&since=${encodeURIComponent(plusTwo)}`)).body.items.length >= 3,
      'an offset names the same instant',
    );
  });

  it('refuses invalid filters with 400 and errors', async () => {
    for (const [query, field] of [
      ['?since=yesterday', 'since'],
      ['?since=2025-01-01', 'since'],
      ['?until=2025-02-30T00:00:00Z', 'until'],
      ['?since=2025-01-01T25:00:00Z', 'since'],
      ['?until=1735689600', 'until'],
      ['?since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z', 'until'],
      ['?outcome=maybe', 'outcome'],
      ['?event_type=user%20login', 'event_type'],
      ['?actor_id=a%00b', 'actor_id'],
      [`?subject_id=${'x'.repeat(201)}`, 'subject_id'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?cursor=!!', 'cursor'],
      [`?cursor=${Buffer.from('{"id":"abc"}').toString('base64url')}`, 'cursor'],
      [`?cursor=${Buffer.from('{"id":"99999999999999999999"}').toString('base64url')}`, 'cursor'],
      [`?cursor=${Buffer.from('{"id":5}').toString('base64url')}`, 'cursor'],
      ['?outcome=success&outcome=failure', 'outcome'],
      ['?nope=1', 'nope'],
    ] as const) {
      assertValidation(await events(query), field);
    }
  });

  it('pages by id with limit and cursor, newest first, without gaps or repeats', async () => {
    const all = (await events(`?actor_id=${user.id}&limit=200`)).body.items.map((e) => e.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await events(`?actor_id=${user.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.body.items.length <= 2);
      paged.push(...page.body.items.map((e) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.deepEqual(paged, all);
    const firstPage = await events('?limit=1');
    assert.equal(firstPage.body.items.length, 1);
    assert.ok(firstPage.body.next_cursor);
  });

  it('shows admin actions with their actor and request id', async () => {
    const admin = await adminSession(app);
    const res = await request('POST', `${app.url}/v1/permissions`, {
      token: admin.token,
      json: { name: 'audited:thing' },
      headers: { 'x-request-id': 'audit-e2e-req-1' },
    });
    assert.ok(res.status === 201 || res.status === 409);
    const found = await events('?event_type=permission.created&subject_id=audited:thing');
    const row = found.body.items[0];
    assert.equal(row.actor_type, 'user');
    assert.equal(row.actor_id, admin.user.id);
    if (res.status === 201) assert.equal(row.request_id, 'audit-e2e-req-1');
  });
});
