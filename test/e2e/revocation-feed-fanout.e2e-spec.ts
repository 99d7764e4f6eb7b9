import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterEvents } from '../../src/revocation/cluster-events.service';
import { Database } from '../../src/database/database.service';
import { FEED_APPENDED } from '../../src/revocation/revocation-feed.types';
import { RevocationFeedService } from '../../src/oauth/revocation-feed/revocation-feed.service';
import { basic, postForm } from '../support/http';
import { SseStream } from '../support/sse';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, TestApp } from '../support/test-app';
import { createUser, TokenBody } from '../factories';
import { introspectorClient } from '../factories/oauth';

const ISSUER = 'http://auth.feed-fanout.test';
const jtiOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { jti: string }).jti;

describe('revocation feed across instances, outages and many streams', () => {
  let a: TestApp;
  let b: TestApp;
  let auth: Record<string, string>;
  const streams: SseStream[] = [];

  const open = async (on: TestApp, headers: Record<string, string> = {}): Promise<SseStream> => {
    const stream = await SseStream.open(`${on.url}/oauth/revocations/stream`, { ...auth, ...headers });
    streams.push(stream);
    assert.equal(stream.status, 200, stream.errorBody);
    await stream.until(() => stream.comments.includes('connected'), 10_000, 'connected');
    return stream;
  };
  /** Logs in and revokes the access token on `on`; returns its jti. */
  const revokeOn = async (on: TestApp): Promise<string> => {
    const user = await createUser(a);
    const login = await postForm<TokenBody>(`${on.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'cli',
      username: user.username,
      password: user.password,
    });
    assert.equal(login.status, 200, login.text);
    assert.equal(
      (await postForm(`${on.url}/oauth/revoke`, { token: login.body.access_token, client_id: 'cli' })).status,
      200,
    );
    return jtiOf(login.body.access_token);
  };
  const has = (stream: SseStream, jti: string): boolean =>
    stream.entries<{ value: string }>().some((e) => e.value === jti);

  before(async () => {
    // 500 streams from one loopback address: above the default per-IP connection cap (256), which has its own test.
    const many = { ISSUER, MAX_CONNECTIONS_PER_IP: '2000' };
    [a, b] = await Promise.all([startTestApp(many), startTestApp({ ISSUER })]);
    const reader = await introspectorClient(a);
    auth = basic(reader.clientId, reader.secret!);
  });
  after(async () => {
    for (const s of streams) s.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it("a revocation on A appears on B's stream within 1 s", async () => {
    const stream = await open(b);
    for (let i = 0; i < 5; i++) {
      const jti = await revokeOn(a);
      const started = Date.now();
      await stream.until(() => has(stream, jti), 1_000, 'entry from A');
      assert.ok(Date.now() - started < 1_000);
    }
  });

  it('loses no entry over a database outage: the stream catches up after LISTEN reconnects', async () => {
    const target = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    target.host = `127.0.0.1:${proxy.port}`;
    const cut = await startTestApp({ ISSUER, DATABASE_URL: target.toString() });
    try {
      const stream = await open(cut);
      const first = await revokeOn(a);
      await stream.until(() => has(stream, first), 2_000, 'entry before the outage');
      proxy.cut();
      const during = [await revokeOn(a), await revokeOn(a), await revokeOn(a)];
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(!during.some((j) => has(stream, j)), 'nothing can arrive while the database is unreachable');
      proxy.restore();
      await stream.until(() => during.every((j) => has(stream, j)), 15_000, 'entries committed during the outage');
      const after = await revokeOn(a);
      await stream.until(() => has(stream, after), 2_000, 'entry after the outage');
      const cursors = stream.entries().map((e) => BigInt(e.cursor));
      assert.deepEqual(
        [...cursors].sort((x, y) => (x < y ? -1 : 1)),
        cursors,
        'in cursor order',
      );
      assert.equal(new Set(cursors).size, cursors.length, 'each once');
    } finally {
      proxy.restore();
      await cut.close();
      await proxy.stop();
    }
  });

  it('fans one read out to 500 open streams: no query per stream', async () => {
    const opened = await Promise.all(Array.from({ length: 500 }, () => open(a)));
    assert.equal(a.get(RevocationFeedService).streams >= 500, true);
    const db = a.get(Database);
    const original = db.query.bind(db);
    const feedQueries: string[] = [];
    let notifications = 0;
    a.get(ClusterEvents).on(FEED_APPENDED, () => notifications++);
    db.query = (<T>(sql: string, params?: unknown[]): Promise<T[]> => {
      if (sql.includes('revocation_feed')) feedQueries.push(sql);
      return original<T>(sql, params);
    }) as typeof db.query;
    try {
      // Revoked on B: the only feed work on A is its shared reader answering the NOTIFY.
      const jti = await revokeOn(b);
      await Promise.all(opened.map((s) => s.until(() => has(s, jti), 5_000, 'entry on every stream')));
    } finally {
      db.query = original;
    }
    // Other test files share the database: each of their revocations is one more NOTIFY and at most one more read.
    assert.ok(notifications >= 1);
    assert.ok(
      feedQueries.length <= notifications + 1,
      `${feedQueries.length} feed queries for ${notifications} notifications`,
    );
    assert.ok(feedQueries.length < 50, `${feedQueries.length} feed queries for 500 streams`);
    for (const s of opened) s.close();
    const feed = a.get(RevocationFeedService);
    for (let i = 0; i < 100 && feed.streams >= 500; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(feed.streams < 500, 'closed streams are unsubscribed');
  });
});
