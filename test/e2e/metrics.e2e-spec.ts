import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { basic, postForm, request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { createClient, createUser, login, passwordGrant, unique } from '../factories';

/** The value of one sample of the exposition text, matching every given label; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => present[k] === v)) return Number(match[3]);
  }
  return 0;
}

async function scrape(app: TestApp): Promise<string> {
  const res = await request('GET', `${app.url}/metrics`);
  assert.equal(res.status, 200);
  return res.text;
}

/** How much `name{labels}` grew while `action` ran. */
async function delta(
  app: TestApp,
  name: string,
  labels: Record<string, string>,
  action: () => Promise<unknown>,
): Promise<number> {
  const before = sample(await scrape(app), name, labels);
  await action();
  return sample(await scrape(app), name, labels) - before;
}

describe('GET /metrics', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ LOCKOUT_MAX_ATTEMPTS: '2', RATE_LIMIT_TOKEN_PER_USERNAME: '3' });
  });
  after(() => app.close());

  it('serves the Prometheus text format without authentication', async () => {
    const res = await request('GET', `${app.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    for (const family of [
      'auth_tokens_issued_total',
      'auth_failures_total',
      'auth_introspections_total',
      'auth_cache_lookups_total',
      'auth_lockouts_total',
      'auth_rate_limited_total',
      'auth_rate_limit_store_fallbacks_total',
      'auth_http_request_duration_seconds',
      'auth_revocation_feed_down_seconds',
      'process_cpu_user_seconds_total',
    ]) {
      assert.match(res.text, new RegExp(`^# TYPE ${family} `, 'm'), family);
    }
    assert.equal(sample(res.text, 'auth_revocation_feed_down_seconds'), 0, 'the feed is up');
  });

  it('counts tokens issued by grant type', async () => {
    const user = await createUser(app);
    assert.equal(await delta(app, 'auth_tokens_issued_total', { grant_type: 'password' }, () => login(app, user)), 1);
    const svc = await createClient(app);
    const issue = (): Promise<unknown> =>
      postForm(`${app.url}/oauth/token`, { grant_type: 'client_credentials' }, basic(svc.clientId, svc.secret!));
    assert.equal(await delta(app, 'auth_tokens_issued_total', { grant_type: 'client_credentials' }, issue), 1);
  });

  it('times requests by route pattern, never by raw URL', async () => {
    const marker = randomBytes(6).toString('hex');
    const { access_token } = await login(app, await createUser(app, { roles: ['admin'] }));
    await request('GET', `${app.url}/v1/users/${randomUUID()}?x=${marker}`, { token: access_token });
    await request('GET', `${app.url}/no-such-route-${marker}`);
    const text = await scrape(app);
    assert.ok(!text.includes(marker), 'no raw path or query string in any label');
    const count = (route: string): number =>
      sample(text, 'auth_http_request_duration_seconds_count', { method: 'GET', route });
    assert.ok(count('/v1/users/:id') >= 1);
    assert.ok(count('unmatched') >= 1);
    assert.ok(sample(text, 'auth_http_request_duration_seconds_count', { route: '/oauth/token', status: '200' }) >= 1);
  });

  it('counts auth failures by endpoint and fixed reason code, never echoing input', async () => {
    const user = await createUser(app);
    const marker = `evil${randomBytes(6).toString('hex')}`;
    const wrong = await delta(
      app,
      'auth_failures_total',
      { endpoint: '/oauth/token', reason: 'invalid_password' },
      () => passwordGrant(app, { username: user.username, password: 'wrong-password-123' }),
    );
    assert.equal(wrong, 1);
    const unknownClient = await delta(
      app,
      'auth_failures_total',
      { endpoint: '/oauth/token', reason: 'unknown_client' },
      () => postForm(`${app.url}/oauth/token`, { grant_type: 'client_credentials' }, basic(marker, 'x')),
    );
    assert.equal(unknownClient, 1);
    const noToken = await delta(app, 'auth_failures_total', { endpoint: '/v1/me' }, () =>
      request('GET', `${app.url}/v1/me`),
    );
    assert.equal(noToken, 1);
    assert.ok(!(await scrape(app)).includes(marker));
  });

  it('counts lockouts', async () => {
    const user = await createUser(app);
    const lock = async (): Promise<void> => {
      for (let i = 0; i < 2; i++) await passwordGrant(app, { username: user.username, password: 'wrong-password-123' });
    };
    assert.equal(await delta(app, 'auth_lockouts_total', {}, lock), 1);
  });

  it('counts rate-limit rejections by group', async () => {
    const username = unique('flood_');
    const flood = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await passwordGrant(app, { username, password: 'wrong-password-123' });
    };
    assert.equal(await delta(app, 'auth_rate_limited_total', { group: 'token_username' }, flood), 2);
  });

  it('keeps one registry per instance, so several apps in one process do not collide', async () => {
    const other = await startTestApp();
    try {
      const text = await scrape(other);
      assert.equal(sample(text, 'auth_tokens_issued_total', { grant_type: 'password' }), 0);
      assert.ok(sample(await scrape(app), 'auth_tokens_issued_total', { grant_type: 'password' }) >= 1);
    } finally {
      await other.close();
    }
  });
});
