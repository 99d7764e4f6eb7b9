import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { createUser, unique } from '../factories';

const MAX_WAIT_MS = 2000;
/** The queue's bound plus room for a loaded host (the flood also queues for the database pool and the event loop). */
const BOUND_MS = MAX_WAIT_MS + 6000;

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

  it('100 wrong logins from one IP neither delay another IP past the bound nor make anyone wait longer', async () => {
    const victim = await createUser(app);
    const flood = Array.from({ length: 100 }, () => {
      const t0 = Date.now();
      const attempt = grant('10.9.0.1', unique('nobody_'), 'wrong-password-123');
      return attempt.then((res) => ({ res, ms: Date.now() - t0, at: Date.now() }));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = Date.now();
    const own = await grant('10.9.0.2', victim.username, victim.password);
    const ownAt = Date.now();
    const ownMs = ownAt - t0;
    const results = await Promise.all(flood);

    assert.equal(own.status, 200, own.text);
    assert.ok(ownMs < BOUND_MS, `victim waited ${ownMs} ms`);
    const statuses = new Set(results.map((r) => r.res.status));
    assert.deepEqual([...statuses].filter((s) => s !== 400 && s !== 503), []);
    const refused = results.filter((r) => r.res.status === 503);
    assert.ok(refused.length > 50, `only ${refused.length} of the flood refused`);
    for (const { res } of refused) {
      assert.equal(res.body.error, 'temporarily_unavailable');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    // Round robin: the victim was served after about one of the flood's hashes, not after all admitted ones.
    const admitted = results.filter((r) => r.res.status === 400);
    assert.ok(admitted.length > 0, 'the flood keeps its fair share');
    assert.ok(admitted.some((r) => r.at > ownAt), 'the victim waited for every admitted flood login');
    // A refused login is refused at once or at its deadline: none waits for the whole flood.
    for (const { ms } of refused) assert.ok(ms < BOUND_MS, `a refused login took ${ms} ms`);
  });
});
