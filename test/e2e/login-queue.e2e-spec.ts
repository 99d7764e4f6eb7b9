import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { PasswordHasher } from '../../src/users/password-hasher.service';
import { createUser, unique } from '../factories';

const MAX_WAIT_MS = 3000;
/** Enough that the flood's hashes (about 60 ms each at the test cost) cannot all fit within the bound. */
const FLOOD = 150;
/**
 * Wall time, for information more than proof: the queue's bound plus room for a loaded host (the flood also
 * queues for the database pool and the event loop). Unfair, the victim waited for the whole flood (26 s).
 */
const BOUND_MS = MAX_WAIT_MS + 15_000;

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

  it('a login flood from one IP neither delays another IP past the bound nor waits longer itself', async () => {
    const victim = await createUser(app);
    const flood = Array.from({ length: FLOOD }, () => {
      const t0 = Date.now();
      const attempt = grant('10.9.0.1', unique('nobody_'), 'wrong-password-123');
      return attempt.then((res) => ({ res, ms: Date.now() - t0 }));
    });
    // The victim comes once the flood fills the queue (its first 503), so admitted flood logins are waiting.
    await Promise.race([
      Promise.any(flood.map((f) => f.then((r) => (r.res.status === 503 ? r : Promise.reject(new Error('not 503')))))),
      new Promise((resolve) => setTimeout(resolve, 5000)),
    ]).catch(() => undefined);
    const t0 = Date.now();
    const own = await grant('10.9.0.2', victim.username, victim.password);
    const ownMs = Date.now() - t0;
    const results = await Promise.all(flood);

    // Served, not refused: so it waited less than MAX_WAIT_MS for its hash, behind a queue of the flood.
    assert.equal(own.status, 200, own.text);
    assert.ok(ownMs < BOUND_MS, `victim waited ${ownMs} ms`);
    const statuses = new Set(results.map((r) => r.res.status));
    assert.deepEqual(
      [...statuses].filter((s) => s !== 400 && s !== 503),
      [],
    );
    const refused = results.filter((r) => r.res.status === 503);
    assert.ok(refused.length > 0, 'none of the flood was refused');
    for (const { res } of refused) {
      assert.equal(res.body.error, 'temporarily_unavailable');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
    const admitted = results.filter((r) => r.res.status === 400);
    assert.ok(admitted.length > 0, 'the flood keeps its fair share');
    // No login waited longer than the bound for a hashing slot (the timer may fire late on a loaded host).
    const longest = app.get(PasswordHasher).longestQueueWaitMs;
    assert.ok(longest <= MAX_WAIT_MS + 1000, `a login waited ${Math.round(longest)} ms for a hashing slot`);
    // A refused login is refused at once or at its deadline: none waits for the whole flood.
    for (const { ms } of refused) assert.ok(ms < BOUND_MS, `a refused login took ${ms} ms`);
  });
});
