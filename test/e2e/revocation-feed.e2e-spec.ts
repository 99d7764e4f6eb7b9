import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../src/database/database.service';
import { basic, postForm, request } from '../support/http';
import { SseStream } from '../support/sse';
import { startTestApp, TestApp } from '../support/test-app';
import { adminSession, createClient, createUser, login, TestClient, TokenBody } from '../factories';
import { createApiKey } from '../factories/api-keys';
import { introspectorClient } from '../factories/oauth';

interface Entry {
  kind: string;
  value: string;
  revoked_at: number;
  until: number | null;
}
interface Page {
  items: Entry[];
  next_cursor: string;
  error?: string;
}

const sidOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
const jtiOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { jti: string }).jti;

describe('revocation feed: GET /oauth/revocations and /oauth/revocations/stream', () => {
  let app: TestApp;
  let reader: TestClient;
  let auth: Record<string, string>;
  const streams: SseStream[] = [];

  const list = (query = '', headers = auth) =>
    request<Page>('GET', `${app.url}/oauth/revocations${query}`, { headers });
  const head = async (): Promise<string> =>
    (await app.get(Database).one<{ id: string }>('SELECT COALESCE(max(id), 0)::text AS id FROM revocation_feed'))!.id;
  const open = async (headers: Record<string, string> = {}): Promise<SseStream> => {
    const stream = await SseStream.open(`${app.url}/oauth/revocations/stream`, { ...auth, ...headers });
    streams.push(stream);
    if (stream.status === 200) await stream.until(() => stream.comments.includes('connected'), 5_000, 'connected');
    return stream;
  };
  /** Logs a user in and revokes the access token: one `jti` entry; returns its jti. */
  const revokedJti = async (): Promise<string> => {
    const tokens: TokenBody = await login(app, await createUser(app));
    assert.equal(
      (await postForm(`${app.url}/oauth/revoke`, { token: tokens.access_token, client_id: 'cli' })).status,
      200,
    );
    return jtiOf(tokens.access_token);
  };
  /** Every entry after `after`, following next_cursor. */
  const allAfter = async (after: string): Promise<{ entries: Entry[]; cursor: string }> => {
    const entries: Entry[] = [];
    let cursor = after;
    for (;;) {
      const res = await list(`?after=${cursor}&limit=100`);
      assert.equal(res.status, 200, res.text);
      entries.push(...res.body.items);
      if (res.body.items.length === 0) return { entries, cursor };
      cursor = res.body.next_cursor;
    }
  };

  before(async () => {
    app = await startTestApp({ REVOCATION_FEED_HEARTBEAT_SECONDS: '1' });
    reader = await introspectorClient(app);
    auth = basic(reader.clientId, reader.secret!);
  });
  after(async () => {
    for (const s of streams) s.close();
    await app.close();
  });

  it('refuses callers as introspection does, in the RFC 6749 error shape', async () => {
    const none = await list('', {});
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_client');
    const weak = await createClient(app);
    const forbidden = await list('', basic(weak.clientId, weak.secret!));
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error, 'insufficient_scope');
    const stream = await SseStream.open(`${app.url}/oauth/revocations/stream`, basic(weak.clientId, weak.secret!));
    assert.equal(stream.status, 403);
    assert.equal((JSON.parse(stream.errorBody) as { error: string }).error, 'insufficient_scope');
    const { token } = await adminSession(app);
    assert.equal(
      (await list('', { authorization: `Bearer ${token}` })).status,
      200,
      'a bearer holding tokens:introspect',
    );
  });

  it('rejects a malformed cursor or limit with invalid_request, never a 500', async () => {
    for (const query of [
      '?after=abc',
      '?after=-1',
      '?after=99999999999999999999',
      '?after=1&after=2',
      '?limit=0',
      '?limit=1001',
      '?limit=x',
    ]) {
      const res = await list(query);
      assert.equal(res.status, 400, `${query}: ${res.text}`);
      assert.equal(res.body.error, 'invalid_request');
    }
    const stream = await SseStream.open(`${app.url}/oauth/revocations/stream`, { ...auth, 'last-event-id': 'x1' });
    assert.equal(stream.status, 400);
  });

  it('pages oldest first with a cursor that is never null', async () => {
    const start = await head();
    const jtis = [await revokedJti(), await revokedJti(), await revokedJti()];
    const { entries, cursor } = await allAfter(start);
    const ours = entries.filter((e) => jtis.includes(e.value));
    assert.deepEqual(
      ours.map((e) => e.value),
      jtis,
      'in order',
    );
    for (const e of ours) {
      assert.deepEqual(Object.keys(e).sort(), ['kind', 'revoked_at', 'until', 'value']);
      assert.equal(e.kind, 'jti');
      assert.ok(Number.isInteger(e.revoked_at) && Number.isInteger(e.until));
      assert.ok(e.until! > e.revoked_at);
    }
    const first = await list(`?after=${start}&limit=1`);
    assert.equal(first.body.items.length, 1);
    assert.notEqual(first.body.next_cursor, start);
    const empty = await list(`?after=${cursor}`);
    assert.deepEqual(empty.body, { items: [], next_cursor: cursor }, 'nothing newer: next_cursor is the after given');
    const all = await list('?limit=1000');
    assert.equal(all.status, 200);
    assert.equal(typeof all.body.next_cursor, 'string');
    for (const jti of jtis)
      assert.ok(
        all.body.items.some((e) => e.value === jti),
        'without after: every entry in force',
      );
  });

  it('leaves out entries past their until', async () => {
    await app.get(Database).query(
      `INSERT INTO revocation_feed (kind, value, revoked_at, until)
         VALUES ('jti', 'long-gone', now() - interval '2 hours', now() - interval '1 hour')`,
    );
    const all = await list('?limit=1000');
    assert.ok(!all.body.items.some((e) => e.value === 'long-gone'));
  });

  it('records every kind of revocation: refresh family, reuse, disabled user, API key, deleted client', async () => {
    const start = await head();
    const { token: admin } = await adminSession(app);
    const user = await createUser(app);
    const tokens = await login(app, user);
    const sid = (JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString()) as { sid: string })
      .sid;
    await postForm(`${app.url}/oauth/revoke`, { token: tokens.refresh_token!, client_id: 'cli' });
    const disabled = await createUser(app);
    await login(app, disabled);
    assert.equal(
      (await request('PATCH', `${app.url}/v1/users/${disabled.id}`, { token: admin, json: { disabled: true } })).status,
      200,
    );
    const key = await createApiKey(app, { token: admin }, { scope: 'users:read' });
    assert.equal((await request('DELETE', `${app.url}/v1/api-keys/${key.id}`, { token: admin })).status, 204);
    const rotated = await createApiKey(app, { token: admin }, { scope: 'users:read' });
    const rotation = await request('POST', `${app.url}/v1/api-keys/${rotated.id}/rotate`, { token: admin, json: {} });
    assert.equal(rotation.status, 201, rotation.text);
    const reused = await login(app, await createUser(app));
    const reusedSid = sidOf(reused.access_token);
    const refresh = { grant_type: 'refresh_token', client_id: 'cli', refresh_token: reused.refresh_token! };
    assert.equal((await postForm(`${app.url}/oauth/token`, refresh)).status, 200);
    assert.equal((await postForm(`${app.url}/oauth/token`, refresh)).status, 400, 'reuse');
    const doomed = await createClient(app, { confidential: false });
    const viaDoomed = await postForm<TokenBody>(`${app.url}/oauth/token`, {
      grant_type: 'password',
      client_id: doomed.clientId,
      username: user.username,
      password: user.password,
    });
    assert.equal(viaDoomed.status, 200, viaDoomed.text);
    assert.equal((await request('DELETE', `${app.url}/v1/clients/${doomed.clientId}`, { token: admin })).status, 204);

    const { entries } = await allAfter(start);
    const find = (kind: string, value: string): Entry | undefined =>
      entries.find((e) => e.kind === kind && e.value === value);
    const family = find('sid', sid);
    assert.ok(family, 'sid entry for the revoked family');
    assert.ok(
      family.until! >= family.revoked_at + app.config.refreshTokenIdleTtl - 5,
      'lives as long as the family could',
    );
    const off = find('sub', disabled.id);
    assert.ok(off, 'sub entry for the disabled user');
    assert.ok(off.until! >= off.revoked_at + app.config.accessTokenTtl - 1);
    assert.equal(find('api_key', key.id)?.until, null, 'a key without expiry: until null');
    assert.ok(find('sub', doomed.clientId), 'sub entry for the deleted client');
    assert.ok(find('sid', sidOf(viaDoomed.body.access_token)), 'sid entry for a session through the deleted client');
    assert.ok(find('sid', reusedSid), 'sid entry for a family revoked on refresh-token reuse');
    assert.ok(find('api_key', rotated.id), 'api_key entry for a key rotated without grace');
  });

  it('streams only entries newer than the connection without Last-Event-ID', async () => {
    const before = await revokedJti();
    const stream = await open();
    assert.match(stream.contentType, /^text\/event-stream/);
    const jti = await revokedJti();
    await stream.until(() => stream.entries<Entry>().some((e) => e.value === jti), 2_000, 'the new entry');
    const entries = stream.entries<Entry>();
    assert.ok(!entries.some((e) => e.value === before), 'nothing from before the connection');
    const mine = entries.find((e) => e.value === jti)!;
    assert.match(mine.cursor, /^\d+$/);
    const page = await list(`?after=${BigInt(mine.cursor) - 1n}&limit=1`);
    assert.equal(page.body.items[0].value, jti, 'the event id is a list cursor');
  });

  it('replays everything after Last-Event-ID, then streams new entries, and resumes after a reconnect', async () => {
    const start = await head();
    const first = [await revokedJti(), await revokedJti()];
    const stream = await open({ 'last-event-id': start });
    const values = () => stream.entries<Entry>().map((e) => e.value);
    await stream.until(() => first.every((j) => values().includes(j)), 2_000, 'replayed entries');
    const live = await revokedJti();
    await stream.until(() => values().includes(live), 2_000, 'live entry');
    const seen = stream.entries<Entry>();
    const cursors = seen.map((e) => BigInt(e.cursor));
    assert.deepEqual(
      [...cursors].sort((a, b) => (a < b ? -1 : 1)),
      cursors,
      'ascending ids',
    );
    assert.equal(new Set(cursors).size, cursors.length, 'no duplicates');

    const last = seen.at(-1)!.cursor;
    stream.close();
    const missed = [await revokedJti(), await revokedJti()];
    const resumed = await open({ 'last-event-id': last });
    await resumed.until(
      () => missed.every((j) => resumed.entries<Entry>().some((e) => e.value === j)),
      2_000,
      'missed entries',
    );
    assert.ok(!resumed.entries<Entry>().some((e) => e.value === live), 'nothing at or before Last-Event-ID');
  });

  it('sends a comment line at every heartbeat interval', async () => {
    const stream = await open();
    await stream.until(() => stream.comments.filter((c) => c === 'keep-alive').length >= 2, 3_500, 'two heartbeats');
  });
});
