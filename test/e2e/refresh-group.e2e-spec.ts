import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from '../../src/database/database.service';
import { sha256 } from '../../src/common/crypto/secrets';
import { HttpResult, postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { auditRows, createUser, login, TokenBody, unique } from '../factories';
import { decodeClaims } from '../factories/users';

function refreshGrant(
  app: TestApp,
  refreshToken: string,
  form: Record<string, string> = {},
): Promise<HttpResult<TokenBody & { error?: string }>> {
  return postForm(`${app.url}/oauth/token`, {
    grant_type: 'refresh_token',
    client_id: 'cli',
    refresh_token: refreshToken,
    ...form,
  });
}

/** Rotations that arrive together commit together (group commit); each still stands or falls on its own. */
describe('refresh_token grant under concurrency (grouped rotation)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('rotates 40 concurrent families, each answered only once its rotation and audit row committed', async () => {
    const sessions = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const user = await createUser(app, { roles: ['reader'] });
        return { user, tokens: await login(app, user) };
      }),
    );
    const marker = unique('rq');
    const results = await Promise.all(
      sessions.map(async ({ user, tokens }, i) => {
        const res = await postForm<TokenBody>(
          `${app.url}/oauth/token`,
          { grant_type: 'refresh_token', client_id: 'cli', refresh_token: tokens.refresh_token! },
          { 'x-request-id': `${marker}-${i}` },
        );
        assert.equal(res.status, 200, res.text);
        const claims = decodeClaims(res.body.access_token);
        assert.equal(claims.sub, user.id);
        assert.equal(claims.sid, decodeClaims(tokens.access_token).sid);
        // Read right after this response: the row is already committed, with this request's own context.
        const rows = await auditRows(app, `event_type = 'token.refreshed' AND details->>'jti' = $1`, [claims.jti]);
        assert.equal(rows.length, 1);
        assert.equal(rows[0].request_id, `${marker}-${i}`);
        assert.equal(rows[0].actor_id, user.id);
        return res.body.refresh_token!;
      }),
    );
    assert.equal(new Set(results).size, 40);
    // Every successor works, and every presented token is spent.
    const next = await Promise.all(results.map((token) => refreshGrant(app, token)));
    assert.ok(next.every((r) => r.status === 200));
    const spent = await refreshGrant(app, sessions[0].tokens.refresh_token!);
    assert.equal(spent.body.error, 'invalid_grant');
  });

  it('a request that fails in its group rotates nothing, and the others of the group rotate', async () => {
    const good = await Promise.all(
      Array.from({ length: 10 }, async () => login(app, await createUser(app, { roles: ['reader'] }))),
    );
    const victim = await login(app, await createUser(app, { roles: ['reader'] }));
    const [bad, ...rest] = await Promise.all([
      refreshGrant(app, victim.refresh_token!, { scope: 'users:write' }),
      ...good.map((t) => refreshGrant(app, t.refresh_token!)),
    ]);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_scope');
    assert.ok(rest.every((r) => r.status === 200));
    // The refused request consumed nothing: its token still rotates, and left no successor or audit row.
    const db = app.get(Database);
    const [row] = await db.query<{ consumed_at: Date | null; children: string }>(
      `SELECT consumed_at, (SELECT count(*) FROM refresh_tokens c WHERE c.parent_id = r.id) AS children
       FROM refresh_tokens r WHERE token_hash = $1`,
      [sha256(victim.refresh_token!)],
    );
    assert.equal(row.consumed_at, null);
    assert.equal(row.children, '0');
    const again = await refreshGrant(app, victim.refresh_token!);
    assert.equal(again.status, 200);
  });

  it('one token presented 8 times among other refreshes: exactly one of the 8 rotates it', async () => {
    const contested = await login(app, await createUser(app));
    const others = await Promise.all(Array.from({ length: 8 }, async () => login(app, await createUser(app))));
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => refreshGrant(app, contested.refresh_token!)),
      ...others.map((t) => refreshGrant(app, t.refresh_token!)),
    ]);
    const contestedResults = results.slice(0, 8);
    assert.equal(contestedResults.filter((r) => r.status === 200).length, 1);
    assert.ok(contestedResults.filter((r) => r.status !== 200).every((r) => r.body.error === 'invalid_grant'));
    assert.ok(results.slice(8).every((r) => r.status === 200));
  });

  it("a disabled user's token does not rotate, and is not spent by the attempt", async () => {
    const user = await createUser(app);
    const tokens = await login(app, user);
    const db = app.get(Database);
    // Straight to the database, so the user's families are not revoked: the rotation's own check is under test.
    await db.query('UPDATE users SET disabled = true WHERE id = $1', [user.id]);
    const refused = await refreshGrant(app, tokens.refresh_token!);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    await db.query('UPDATE users SET disabled = false WHERE id = $1', [user.id]);
    const again = await refreshGrant(app, tokens.refresh_token!);
    assert.equal(again.status, 200, 'the refused attempt did not consume the token');
  });
});
