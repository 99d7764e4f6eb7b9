import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditRows, createClient, createUser, login, passwordGrant, totp } from '../factories';
import { enrolTotp, passwordSession, refresh } from '../factories/users';
import { postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { assertOAuthError, assertProblem, fromFetch } from './support/contract';
import { getWithBearer, introspect, Introspector, makeIntrospector } from './support/fixtures';

/**
 * Replaying credentials that were meant to be used once: rotated refresh
 * tokens (reuse kills the whole family, RFC 6819 §5.2.2.3 / OAuth 2.0
 * Security BCP §4.14), refresh tokens taken to another client, and TOTP
 * codes (RFC 6238 §5.2: a code is accepted at most once).
 */
describe('security: replay', () => {
  let app: TestApp;
  let caller: Introspector;

  before(async () => {
    app = await startTestApp();
    caller = await makeIntrospector(app);
  });
  after(() => app.close());

  async function assertInactive(label: string, token: string): Promise<void> {
    const res = await introspect(app, caller, token);
    assert.deepEqual(res.body, { active: false }, `${label} is still active: ${res.text}`);
  }

  it('a rotated refresh token presented again revokes its whole family, access tokens included', async () => {
    const user = await createUser(app);
    const first = await login(app, user);
    const second = (await refresh(app, first.refresh_token!)).body;
    const third = (await refresh(app, second.refresh_token!)).body;
    assert.ok(third.refresh_token);
    const otherSession = await login(app, user); // a separate family of the same user
    // The attacker replays the stolen, already rotated first token.
    assertOAuthError(fromFetch(await refresh(app, first.refresh_token!)), 400, 'invalid_grant');
    // The legitimate holder's latest token is dead too, and every access token of the family.
    assertOAuthError(fromFetch(await refresh(app, third.refresh_token!)), 400, 'invalid_grant');
    for (const [label, token] of [
      ['first access token', first.access_token],
      ['second access token', second.access_token],
      ['third access token', third.access_token],
      ['latest refresh token', third.refresh_token!],
    ]) {
      await assertInactive(label, token);
    }
    assertProblem(await getWithBearer(app, '/v1/me', third.access_token), 401);
    // Only that family: the other session of the same user lives on.
    assert.equal((await getWithBearer(app, '/v1/me', otherSession.access_token)).status, 200);
    const reuse = await auditRows(app, `event_type = 'refresh_token.reuse_detected' AND actor_id = $1`, [user.id]);
    assert.equal(reuse.length, 1);
  });

  it('of 10 concurrent refreshes with one token exactly one wins, and the losers count as reuse', async () => {
    const tokens = await login(app, await createUser(app));
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(app, tokens.refresh_token!)));
    const winners = answers.filter((a) => a.status === 200);
    assert.equal(winners.length, 1, `${winners.length} refreshes succeeded`);
    for (const a of answers.filter((x) => x.status !== 200)) assertOAuthError(fromFetch(a), 400, 'invalid_grant');
    // REFRESH_REUSE_GRACE_SECONDS is 0: the race is reuse, so even the winner's tokens are revoked.
    assertOAuthError(fromFetch(await refresh(app, winners[0].body.refresh_token!)), 400, 'invalid_grant');
    await assertInactive("the winner's access token", winners[0].body.access_token);
  });

  it('a refresh token is refused when presented by another client', async () => {
    const tokens = await login(app, await createUser(app));
    const other = await createClient(app, { confidential: false, grantTypes: ['password', 'refresh_token'] });
    const res = await postForm(`${app.url}/oauth/token`, {
      grant_type: 'refresh_token',
      client_id: other.clientId,
      refresh_token: tokens.refresh_token!,
    });
    assertOAuthError(fromFetch(res), 400, 'invalid_grant');
  });

  it('a TOTP code accepted once is refused afterwards, and only one of parallel uses wins', async () => {
    const user = await createUser(app, { mfa: true });
    const code = totp(user.totpSecret!);
    assert.equal((await passwordGrant(app, user, { otp: code })).status, 200);
    assertOAuthError(fromFetch(await passwordGrant(app, user, { otp: code })), 400, 'invalid_grant');
    const failures = await auditRows(app, `event_type = 'mfa.failed' AND subject_id = $1`, [user.id]);
    assert.equal(failures.at(-1)?.details.reason, 'otp_replayed');

    const racer = await createUser(app, { mfa: true });
    const raceCode = totp(racer.totpSecret!);
    const answers = await Promise.all(Array.from({ length: 6 }, () => passwordGrant(app, racer, { otp: raceCode })));
    assert.equal(answers.filter((a) => a.status === 200).length, 1, 'one TOTP code opened several sessions');
  });

  it('the code that confirmed enrolment cannot be used again to log in', async () => {
    const { user, token } = await passwordSession(app);
    const { confirmCode } = await enrolTotp(app, token);
    assertOAuthError(fromFetch(await passwordGrant(app, user, { otp: confirmCode })), 400, 'invalid_grant');
  });
});
