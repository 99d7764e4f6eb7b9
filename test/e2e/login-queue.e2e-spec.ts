import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { createUser, unique } from '../factories';

const MAX_WAIT_MS = 1000;

/** API.md password grant: hashing runs in a bounded queue with a fair share per client IP. */
describe('login queue: fair share per client IP, bounded wait', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({
      TRUST_PROXY: 'true',
      BCRYPT_CONCURRENCY: '1',
      LOGIN_QUEUE_MAX_WAIT_MS: String(MAX_WAIT_MS),
      RATE_LIMIT_TOKEN_PER_IP: '100000',
      RATE_LIMIT_TOKEN_PER_USERNAME: '100000',
    });
  });
  after(() => app.close());

  const grant = (ip: string, username: string, password: string) =>
    postForm(
      `${app.url}/oauth/token`,
      { grant_type: 'password', client_id: app.config.bootstrapClientId, username, password },
      { 'x-forwarded-for': ip },
    );

  it('a flood of 100 wrong logins from one IP neither delays another IP past the bound nor makes anyone wait longer', async () => {
    const victim = await createUser(app);
    const flood = Array.from({ length: 100 }, () => {
      const t0 = Date.now();
      return grant('10.9.0.1', unique('nobody_'), 'wrong-password-123').then((res) => ({ res, ms: Date.now() - t0 }));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = Date.now();
    const own = await grant('10.9.0.2', victim.username, victim.password);
    const ownMs = Date.now() - t0;
    const results = await Promise.all(flood);

    assert.equal(own.status, 200, own.text);
    // The other IP waits for at most a couple of the flood's hashes, never for the flood; the margin is for a loaded CI host.
    assert.ok(ownMs < MAX_WAIT_MS + 2000, `victim waited ${ownMs} ms`);
    const statuses = new Set(results.map((r) => r.res.status));
    assert.deepEqual([...statuses].filter((s) => s !== 400 && s !== 503), []);
    const refused = results.filter((r) => r.res.status === 503);
    assert.ok(refused.length > 50, `only ${refused.length} of the flood refused`);
    for (const { res } of refused) {
      assert.equal(res.body.error, 'temporarily_unavailable');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    assert.ok(results.some((r) => r.res.status === 400), 'the flood keeps its fair share');
    // A refused login is refused at once or at its deadline: none waits for the whole flood.
    for (const { ms } of refused) assert.ok(ms < MAX_WAIT_MS + 2000, `a refused login took ${ms} ms`);
  });
});
