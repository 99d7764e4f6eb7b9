import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../src/database/database.service';
import { auditRows, createUser, passwordGrant, TestUser, unique } from '../factories';
import { HttpResult } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { assertOAuthError, fromFetch } from './support/contract';

/**
 * User enumeration and password guessing on the password grant: every
 * failure looks the same (status, body, headers) and costs the same time,
 * and parallel guesses cannot get past LOCKOUT_MAX_ATTEMPTS.
 */
describe('security: enumeration and lockout', () => {
  let app: TestApp;
  const MAX_ATTEMPTS = 5;
  const WRONG = 'wrong-password-123';

  before(async () => {
    // 30 parallel guesses from one IP exercise the lockout race; a long queue bound keeps the login queue's 503 out.
    app = await startTestApp({
      LOCKOUT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      LOCKOUT_SECONDS: '300',
      LOGIN_QUEUE_MAX_WAIT_MS: '60000',
    });
  });
  after(() => app.close());

  /** Response headers an observer could compare, without the per-response ones. */
  function headerNames(res: HttpResult<unknown>): string[] {
    const varying = new Set(['date', 'x-request-id', 'keep-alive', 'connection', 'content-length']);
    return [...res.headers.keys()].filter((h) => !varying.has(h)).sort();
  }

  it('unknown, wrong, disabled, locked and MFA users all get the same answer', async () => {
    const known = await createUser(app);
    const disabled = await createUser(app);
    const locked = await createUser(app);
    const mfa = await createUser(app, { mfa: true });
    const db = app.get(Database);
    await db.query('UPDATE users SET disabled = true WHERE id = $1', [disabled.id]);
    await db.query(`UPDATE users SET locked_until = now() + interval '5 minutes', failed_attempts = $2 WHERE id = $1`, [
      locked.id,
      MAX_ATTEMPTS,
    ]);
    const answers: [string, HttpResult<unknown>][] = [
      ['unknown user', await passwordGrant(app, { username: unique('nobody_'), password: WRONG })],
      ['impossible username', await passwordGrant(app, { username: 'no such user!', password: WRONG })],
      ['wrong password', await passwordGrant(app, { username: known.username, password: WRONG })],
      [
        'wrong password, other case',
        await passwordGrant(app, { username: known.username.toUpperCase(), password: WRONG }),
      ],
      ['disabled, right password', await passwordGrant(app, disabled)],
      ['locked, right password', await passwordGrant(app, locked)],
      // The password is checked before MFA: a wrong one must not reveal that the account has MFA.
      ['MFA user, wrong password', await passwordGrant(app, { username: mfa.username, password: WRONG })],
    ];
    const [, first] = answers[0];
    assertOAuthError(fromFetch(first), 400, 'invalid_grant');
    for (const [label, res] of answers) {
      assert.equal(res.status, first.status, label);
      assert.equal(res.text, first.text, `${label}: body differs`);
      assert.deepEqual(headerNames(res), headerNames(first), `${label}: headers differ`);
    }
  });

  it('unknown user and wrong password take the same time (medians of 20 interleaved samples)', async () => {
    // One fresh user per sample: each takes a single failed attempt, so lockout never changes the path measured.
    const users: TestUser[] = [];
    for (let i = 0; i < 20; i++) users.push(await createUser(app));
    const time = async (creds: { username: string; password: string }): Promise<number> => {
      const start = process.hrtime.bigint();
      const res = await passwordGrant(app, creds);
      assert.equal(res.status, 400);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let i = 0; i < 3; i++) await time({ username: unique('warm_'), password: WRONG }); // warm-up
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 20; i++) {
      // Alternate which goes first, so drift in machine load hits both series alike.
      const a = (): Promise<number> => time({ username: unique('ghost_'), password: WRONG });
      const b = (): Promise<number> => time({ username: users[i].username, password: WRONG });
      if (i % 2 === 0) {
        unknown.push(await a());
        wrong.push(await b());
      } else {
        wrong.push(await b());
        unknown.push(await a());
      }
    }
    const median = (xs: number[]): number => {
      const s = [...xs].sort((x, y) => x - y);
      return (s[9] + s[10]) / 2;
    };
    const mu = median(unknown);
    const mw = median(wrong);
    const diff = Math.abs(mu - mw);
    const detail = `median unknown ${mu.toFixed(1)} ms, wrong password ${mw.toFixed(1)} ms`;
    console.log(`timing: ${detail}`);
    // An unknown user must still cost one bcrypt compare: without it, it answers several times faster.
    assert.ok(diff < 40 || diff / Math.max(mu, mw) < 0.35, `timing reveals whether a user exists: ${detail}`);
  });

  it(`20 parallel bad passwords: <= ${MAX_ATTEMPTS} count, one lock, the right one refused while locked`, async () => {
    const user = await createUser(app);
    const guesses = await Promise.all(
      Array.from({ length: 20 }, () => passwordGrant(app, { username: user.username, password: WRONG })),
    );
    for (const g of guesses) assertOAuthError(fromFetch(g), 400, 'invalid_grant');
    const [row] = await app
      .get(Database)
      .query<{ failed_attempts: number; locked_until: Date | null }>(
        'SELECT failed_attempts, locked_until FROM users WHERE id = $1',
        [user.id],
      );
    assert.ok(row.failed_attempts <= MAX_ATTEMPTS, `${row.failed_attempts} attempts were counted`);
    assert.ok(row.locked_until && row.locked_until.getTime() > Date.now(), 'the account is not locked');
    assert.equal(
      (await auditRows(app, `event_type = 'user.locked' AND subject_id = $1`, [user.id])).length,
      1,
      'locked more than once',
    );
    // Locked: the right password gets exactly the answer of a wrong one.
    const right = await passwordGrant(app, user);
    assert.equal(right.status, 400);
    assert.equal(right.text, guesses[0].text);
    const reasons = await auditRows(app, `event_type = 'user.login' AND outcome = 'failure' AND subject_id = $1`, [
      user.id,
    ]);
    assert.equal(reasons.at(-1)?.details.reason, 'locked');
  });

  it('parallel guesses that include the right password never push the counter past the limit', async () => {
    // 30 guesses at once, the right one last. Whether it lands before or after the lock is a race;
    // what may not happen is a counter past the limit, or a failure that answers differently.
    const user = await createUser(app);
    const creds = [...Array.from({ length: 29 }, () => ({ username: user.username, password: WRONG })), user];
    const answers = await Promise.all(creds.map((c) => passwordGrant(app, c)));
    const [row] = await app
      .get(Database)
      .query<{ failed_attempts: number }>('SELECT failed_attempts FROM users WHERE id = $1', [user.id]);
    assert.ok(row.failed_attempts <= MAX_ATTEMPTS, `${row.failed_attempts} attempts were counted`);
    const failures = answers.filter((a) => a.status !== 200);
    assert.ok(failures.length >= 29);
    for (const f of failures) assert.equal(f.text, failures[0].text);
  });
});
