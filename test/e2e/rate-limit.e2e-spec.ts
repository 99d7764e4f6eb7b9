import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisRateLimitStore } from '../../src/rate-limit/redis-rate-limit.store';
import { basic, HttpResult, postForm, request } from '../support/http';
import { freePort } from '../support/service-process';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, TestApp } from '../support/test-app';
import { auditRows, AuditRow, createUser, login, unique } from '../factories';
import { introspectorClient } from '../factories/oauth';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Every request of this file carries an X-Request-ID with this run's prefix, to find its audit rows. */
const RUN = `rl${randomBytes(4).toString('hex')}`;
let seq = 0;
const rid = (): string => `${RUN}_${++seq}`;

function attempt(app: TestApp, username: string, ids?: string[]): Promise<HttpResult> {
  const id = rid();
  ids?.push(id);
  return postForm(
    `${app.url}/oauth/token`,
    { grant_type: 'password', client_id: 'cli', username, password: 'wrong-password-123' },
    { 'x-request-id': id },
  );
}

function assertOAuth429(res: HttpResult): void {
  assert.equal(res.status, 429, res.text);
  assert.deepEqual(res.body, { error: 'rate_limited', error_description: 'Too many requests; retry later.' });
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
    `Retry-After ${res.headers.get('retry-after')}`,
  );
  assert.equal(res.headers.get('cache-control'), 'no-store');
}

/** Audit rows of `rate_limit.exceeded` among the given request ids, once the deferred writes have landed. */
async function exceededRows(app: TestApp, ids: string[], settleMs = 300): Promise<AuditRow[]> {
  const deadline = Date.now() + 3_000;
  let rows: AuditRow[] = [];
  while (Date.now() < deadline) {
    rows = await auditRows(app, `event_type = 'rate_limit.exceeded' AND request_id = ANY($1)`, [ids]);
    if (rows.length > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, settleMs));
  return auditRows(app, `event_type = 'rate_limit.exceeded' AND request_id = ANY($1)`, [ids]);
}

describe('per-username limit on /oauth/token (memory store)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ RATE_LIMIT_TOKEN_PER_USERNAME: '3' });
  });
  after(() => app.close());

  it('limits attempts per username (case-folded), with 429, Retry-After and the OAuth error shape', async () => {
    const user = await createUser(app);
    for (let i = 0; i < 3; i++) assert.equal((await attempt(app, user.username)).status, 400);
    assertOAuth429(await attempt(app, user.username.toUpperCase()));
    // Even the right password is refused while the username is blocked: the limit is not an oracle.
    const right = await postForm(`${app.url}/oauth/token`, {
      grant_type: 'password',
      client_id: 'cli',
      username: user.username,
      password: user.password,
    });
    assertOAuth429(right);
    assert.equal((await attempt(app, unique('other_'))).status, 400, 'another username has its own budget');
  });

  it('writes one rate_limit.exceeded audit row per key and window, not one per refused request', async () => {
    const ids: string[] = [];
    const username = unique('flood_');
    for (let i = 0; i < 3; i++) await attempt(app, username, ids);
    for (let i = 0; i < 5; i++) assert.equal((await attempt(app, username, ids)).status, 429);
    const rows = await exceededRows(app, ids);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    const [row] = rows;
    assert.equal(row.outcome, 'failure');
    assert.equal(row.actor_type, 'anonymous');
    assert.ok(row.ip, 'the row carries the client IP');
    assert.equal(row.details.group, 'token_username');
    assert.equal(row.details.reason, 'rate_limited');
    assert.ok(!JSON.stringify(row.details).includes(username), 'the username is not written in clear');
  });
});

describe('per-IP limit on /oauth/token (memory store)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ RATE_LIMIT_TOKEN_PER_IP: '4' });
  });
  after(() => app.close());

  it('counts every token request of an IP, whatever the username or grant', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(app, unique('ip_'))).status);
    assert.deepEqual(statuses, [400, 400, 400, 400]);
    assertOAuth429(await attempt(app, unique('ip_')));
    assertOAuth429(
      await postForm(`${app.url}/oauth/token`, {
        grant_type: 'client_credentials',
        client_id: 'nobody',
        client_secret: 'x',
      }),
    );
  });
});

describe('rate limits on /v1 (memory store)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ RATE_LIMIT_ADMIN_PER_PRINCIPAL: '3' });
  });
  after(() => app.close());

  it('limits per principal, answering problem+json with Retry-After', async () => {
    const [a, b] = [await login(app, await createUser(app)), await login(app, await createUser(app))];
    for (let i = 0; i < 3; i++)
      assert.equal((await request('GET', `${app.url}/v1/me`, { token: a.access_token })).status, 200);
    const id = rid();
    const refused = await request('GET', `${app.url}/v1/me`, {
      token: a.access_token,
      headers: { 'x-request-id': id },
    });
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(refused.body.status, 429);
    assert.equal(refused.body.request_id, id);
    assert.ok(refused.body.type && refused.body.title && refused.body.detail);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal(
      (await request('GET', `${app.url}/v1/me`, { token: b.access_token })).status,
      200,
      'another principal has its own budget',
    );
  });

  it('limits failed authentications per IP, then refuses the IP before checking credentials', async () => {
    const fresh = await login(app, await createUser(app));
    const garbage = [undefined, 'not-a-jwt', 'also.not.valid'];
    for (const token of garbage) assert.equal((await request('GET', `${app.url}/v1/me`, { token })).status, 401);
    await new Promise((r) => setTimeout(r, 50)); // failures are counted just after each response
    const refused = await request('GET', `${app.url}/v1/me`, { token: 'a-fresh-garbage-token' });
    assert.equal(refused.status, 429, refused.text);
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(
      (await request('GET', `${app.url}/v1/me`, { token: fresh.access_token })).status,
      429,
      'the whole IP is blocked on /v1',
    );
  });
});

describe('per-caller limit on /oauth/introspect (memory store)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ RATE_LIMIT_INTROSPECT_PER_CALLER: '3' });
  });
  after(() => app.close());

  it('budgets each caller credential separately', async () => {
    const [a, b] = [await introspectorClient(app), await introspectorClient(app)];
    const introspect = (c: { clientId: string; secret?: string }): Promise<HttpResult> =>
      postForm(`${app.url}/oauth/introspect`, { token: 'whatever' }, basic(c.clientId, c.secret!));
    for (let i = 0; i < 3; i++) assert.equal((await introspect(a)).status, 200);
    assertOAuth429(await introspect(a));
    assert.equal((await introspect(b)).status, 200, 'another caller has its own budget');
  });

  it('cannot be dodged with a fresh garbage credential per request: failures are budgeted per IP', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal(
        (await postForm(`${app.url}/oauth/introspect`, { token: 't' }, basic(unique('c_'), 'x'))).status,
        401,
      );
    }
    await new Promise((r) => setTimeout(r, 50)); // failures are counted just after each response
    assertOAuth429(await postForm(`${app.url}/oauth/introspect`, { token: 't' }, basic(unique('c_'), 'x')));
  });
});

describe('one budget for several instances through Redis', () => {
  // ISSUER names the deployment, hence the Redis key prefix: unique per test run.
  const env = { REDIS_URL, ISSUER: `http://${RUN}.rate-limit.test`, RATE_LIMIT_TOKEN_PER_USERNAME: '4' };
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    [a, b] = await Promise.all([startTestApp(env), startTestApp(env)]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('shares the per-username budget between two instances and audits the block once per instance', async () => {
    const username = unique('shared_');
    const ids: string[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt(i % 2 === 0 ? a : b, username, ids)).status);
    assert.deepEqual(statuses, [400, 400, 400, 400]);
    assertOAuth429(await attempt(a, username, ids));
    assertOAuth429(await attempt(b, username, ids));
    // The one failure damper is per instance: at most one row per instance and window, the counts adding up.
    const rows = await exceededRows(a, ids);
    assert.ok(rows.length >= 1 && rows.length <= 2, `${rows.length} rows`);
    assert.equal(
      rows.reduce((n, r) => n + Number(r.details.count), 0),
      2,
    );
  });

  it('readiness includes Redis', async () => {
    assert.equal((await request('GET', `${a.url}/health/ready`)).status, 200);
  });
});

describe('Redis unreachable', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      RATE_LIMIT_TOKEN_PER_USERNAME: '2',
    });
  });
  after(() => app.close());

  it('keeps limiting per instance (fallback to memory), reports not ready and counts the fallback', async () => {
    const username = unique('down_');
    assert.equal((await attempt(app, username)).status, 400);
    assert.equal((await attempt(app, username)).status, 400);
    assertOAuth429(await attempt(app, username));
    const ready = await request('GET', `${app.url}/health/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body, { status: 'unavailable' });
    assert.ok((await fallbacks(app)) >= 3, 'every decision without Redis is counted');
  });
});

describe('Redis lost while serving', () => {
  let app: TestApp;
  let proxy: TcpProxy;
  before(async () => {
    proxy = new TcpProxy('127.0.0.1', 6379);
    await proxy.start();
    app = await startTestApp({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      ISSUER: `http://${RUN}.lost.test`,
      RATE_LIMIT_TOKEN_PER_USERNAME: '2',
    });
  });
  after(async () => {
    await app.close();
    await proxy.stop();
  });

  const waitReady = async (want: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while ((await request('GET', `${app.url}/health/ready`)).status !== want) {
      assert.ok(Date.now() < deadline, `readiness never became ${want}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('falls back to memory at once when Redis goes away, and shares budgets again once it is back', async () => {
    await waitReady(200);
    proxy.cut();
    const during = unique('cut_');
    const started = Date.now();
    assert.deepEqual([(await attempt(app, during)).status, (await attempt(app, during)).status], [400, 400]);
    assertOAuth429(await attempt(app, during));
    assert.ok(Date.now() - started < 3_000, 'no request waits on the dead connection for long');
    await waitReady(503);
    proxy.restore();
    await waitReady(200);
    await new Promise((r) => setTimeout(r, 1_100)); // past the storage's one-second pause after a failed command
    const back = unique('back_');
    await attempt(app, back);
    const counted = await fallbacks(app);
    await attempt(app, back);
    assert.equal(await fallbacks(app), counted, 'decisions come from Redis again');
  });
});

async function fallbacks(app: TestApp): Promise<number> {
  const match = /^auth_rate_limit_store_fallbacks_total (\d+)/m.exec((await request('GET', `${app.url}/metrics`)).text);
  return match ? Number(match[1]) : 0;
}

describe('RedisRateLimitStore', () => {
  let redis: Redis;
  let store: RedisRateLimitStore;
  before(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    store = new RedisRateLimitStore(redis, `auth:rl:test-${RUN}:`);
  });
  after(async () => {
    const keys = await redis.keys(`auth:rl:test-${RUN}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('is atomic: of 50 concurrent hits with a limit of 10, exactly 10 pass and one starts the block', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => store.increment('burst', 60_000, 10, 60_000)));
    assert.equal(results.filter((r) => !r.isBlocked).length, 10);
    assert.equal(results.filter((r) => r.firstRejection).length, 1);
  });

  it('blocks repeated violators for doubling periods', async () => {
    const blocks: number[] = [];
    for (let i = 0; i < 3; i++) {
      while (!(await store.increment('backoff', 5_000, 2, 150)).isBlocked);
      const ms = await store.blockedFor('backoff');
      blocks.push(ms);
      await new Promise((r) => setTimeout(r, ms + 20));
    }
    const [first, second, third] = blocks;
    assert.ok(first > 100 && first <= 150, `first block ${first} ms`);
    assert.ok(second > 250 && second <= 300, `second block ${second} ms`);
    assert.ok(third > 550 && third <= 600, `third block ${third} ms`);
  });
});
