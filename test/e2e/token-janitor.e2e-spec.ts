import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '../../src/common/crypto/secrets';
import { Database } from '../../src/database/database.service';
import { PURGE_LOCK, TokenJanitor } from '../../src/tokens/token-janitor.service';
import { postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { createUser, login, unique } from '../factories';

/** Expired refresh-token families and revocation entries are deleted, live ones are not touched. */
describe('token janitor', () => {
  let app: TestApp;
  let db: Database;
  before(async () => {
    app = await startTestApp();
    db = app.get(Database);
  });
  after(() => app.close());

  const familyOf = async (refreshToken: string): Promise<string> =>
    (
      await db.query<{ family_id: string }>('SELECT family_id FROM refresh_tokens WHERE token_hash = $1', [
        sha256(refreshToken),
      ])
    )[0].family_id;
  const rowsOfFamily = async (familyId: string): Promise<number> =>
    (await db.query('SELECT 1 FROM refresh_tokens WHERE family_id = $1', [familyId])).length;
  const refresh = (refreshToken: string) =>
    postForm<{ refresh_token?: string; error?: string }>(`${app.url}/oauth/token`, {
      grant_type: 'refresh_token',
      client_id: 'cli',
      refresh_token: refreshToken,
    });

  it('deletes every token of a family past its absolute lifetime, in batches, and keeps live families', async () => {
    const user = await createUser(app, { roles: ['reader'] });
    const expired = await login(app, user);
    const rotated = await refresh(expired.refresh_token!);
    assert.equal(rotated.status, 200, rotated.text);
    const live = await login(app, user);
    const expiredFamily = await familyOf(expired.refresh_token!);
    const liveFamily = await familyOf(live.refresh_token!);
    assert.equal(await rowsOfFamily(expiredFamily), 2);
    // 2,500 more expired rows of a second family: more than one batch of 1,000.
    const bulkFamily = (await db.query<{ id: string }>('SELECT gen_random_uuid()::text AS id'))[0].id;
    await db.query(
      `INSERT INTO refresh_tokens (token_hash, family_id, user_id, client_id, scope, amr, expires_at,
                                   absolute_expires_at)
       SELECT sha256(convert_to($1 || g, 'UTF8')), $2, r.user_id, r.client_id, r.scope, r.amr, r.expires_at,
              now() - interval '1 second'
       FROM refresh_tokens r, generate_series(1, 2500) g WHERE r.family_id = $3 LIMIT 2500`,
      [unique('bulk'), bulkFamily, liveFamily],
    );
    await db.query(
      `UPDATE refresh_tokens
       SET absolute_expires_at = now() - interval '1 second', expires_at = now() - interval '1 second'
       WHERE family_id = $1`,
      [expiredFamily],
    );

    const purged = await app.get(TokenJanitor).run();

    assert.ok(purged.refreshTokens >= 2_502, `purged ${purged.refreshTokens}`);
    assert.equal(await rowsOfFamily(expiredFamily), 0);
    assert.equal(await rowsOfFamily(bulkFamily), 0);
    assert.equal(await rowsOfFamily(liveFamily), 1);
    // The purged token is simply unknown; the live family still rotates.
    const replay = await refresh(rotated.body.refresh_token!);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal((await refresh(live.refresh_token!)).status, 200);
  });

  it('deletes revocation entries of expired tokens only, never open-ended ones', async () => {
    const [gone, kept, open] = [unique('jti'), unique('jti'), unique('user')];
    await db.query(
      `INSERT INTO revocations (kind, subject, expires_at) VALUES
         ('jti', $1, now() - interval '1 second'), ('jti', $2, now() + interval '1 hour'), ('user_off', $3, NULL)`,
      [gone, kept, open],
    );
    const purged = await app.get(TokenJanitor).run();
    assert.ok(purged.revocations >= 1);
    const left = await db.query<{ subject: string }>('SELECT subject FROM revocations WHERE subject = ANY($1)', [
      [gone, kept, open],
    ]);
    assert.deepEqual(left.map((r) => r.subject).sort(), [kept, open].sort());
  });

  it('runs on one instance at a time: while another holds the purge lock, a run deletes nothing', async () => {
    const subject = unique('jti');
    await db.query(
      `INSERT INTO revocations (kind, subject, expires_at) VALUES ('jti', $1, now() - interval '1 second')`,
      [subject],
    );
    const left = async (): Promise<number> =>
      (await db.query('SELECT 1 FROM revocations WHERE subject = $1', [subject])).length;
    // "Another instance": a transaction of its own holding the lock while this instance's janitor runs.
    const whileHeld = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PURGE_LOCK]);
      return app.get(TokenJanitor).run();
    });
    assert.deepEqual(whileHeld, { refreshTokens: 0, revocations: 0, skipped: true });
    assert.equal(await left(), 1);
    const free = await app.get(TokenJanitor).run();
    assert.equal(free.skipped, false);
    assert.ok(free.revocations >= 1);
    assert.equal(await left(), 0);
  });
});
