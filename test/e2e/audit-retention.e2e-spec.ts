import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { AuditRetention } from '../../src/audit/audit-retention.service';
import { SEAL_LOCK } from '../../src/audit/audit-sealer.service';
import { assertProblem, sessionWith } from '../factories/admin';
import { assertGapFree, insertEvents, verify, waitAllSealed } from '../support/audit-chain';
import { freshDatabase, FreshDatabase } from '../support/fresh-database';
import { request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('audit retention (own database)', () => {
  let db: FreshDatabase;
  let app: TestApp;
  let token: string;
  before(async () => {
    db = await freshDatabase();
    // 0.00003 days = 2.6 s; the periodic run is pushed out of the way, the test calls run() itself.
    app = await startTestApp({
      DATABASE_URL: db.url,
      AUDIT_RETENTION_DAYS: '0.00003',
      AUDIT_RETENTION_INTERVAL_SECONDS: '3600',
      AUDIT_CHECKPOINT_SECONDS: '1',
    });
    token = (await sessionWith(app, ['audit:read'], { mfa: false })).token;
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('deletes old sealed rows up to a checkpoint; the chain still verifies from that checkpoint', async () => {
    await insertEvents(db.sql, 40, 'test.old');
    await waitAllSealed(db.sql);
    const oldMax = await assertGapFree(db.sql);
    await sleep(3_000);
    await insertEvents(db.sql, 10, 'test.new');
    await waitAllSealed(db.sql);
    const deleted = await app.get(AuditRetention).run();
    assert.ok(deleted > 0);
    const { rows } = await db.sql.query<{ min: string }>('SELECT min(seq)::text AS min FROM audit_seals');
    const first = Number(rows[0].min);
    assert.ok(first > 1 && first <= oldMax + 1, `first retained ${first}`);
    assert.equal(deleted, first - 1);
    const cp = await db.sql.query('SELECT 1 FROM audit_checkpoints WHERE seq = $1', [first - 1]);
    assert.equal(cp.rowCount, 1, 'the checkpoint the first remaining row chains from is kept');
    const older = await db.sql.query('SELECT 1 FROM audit_checkpoints WHERE seq < $1', [first - 1]);
    assert.equal(older.rowCount, 0);
    assert.equal((await db.sql.query(`SELECT 1 FROM audit_events WHERE event_type = 'test.new'`)).rowCount, 10);

    await assertGapFree(db.sql);
    const all = await verify(app.url, token);
    assert.deepEqual([all.body.ok, all.body.first_bad_seq], [true, null], all.text);
    const fromFirst = await verify(app.url, token, `?from_seq=${first}`);
    assert.equal(fromFirst.body.ok, true, fromFirst.text);
    assertProblem(await verify(app.url, token, '?from_seq=1'), 400);
    assertProblem(await verify(app.url, token, `?from_seq=1&to_seq=${first}`), 400);
    const exported = await request('GET', `${app.url}/v1/audit-events/export`, { token });
    assert.equal((JSON.parse(exported.text.split('\n')[0]) as { seq: number }).seq, first);
  });

  it('never deletes an unsealed row, however old', async () => {
    // Hold the sealers off with their own lock: the row stays unsealed while retention runs.
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [SEAL_LOCK]);
      const { rows } = await db.sql.query<{ id: string }>(
        `INSERT INTO audit_events (event_type, outcome, actor_type, occurred_at)
         VALUES ('test.unsealed', 'success', 'system', now() - interval '10 days') RETURNING id::text AS id`,
      );
      await sleep(3_000);
      await app.get(AuditRetention).run();
      const still = await db.sql.query(
        'SELECT s.seq FROM audit_events e LEFT JOIN audit_seals s ON s.event_id = e.id WHERE e.id = $1',
        [rows[0].id],
      );
      assert.equal(still.rowCount, 1);
      assert.equal(still.rows[0].seq, null);
      await holder.query('SELECT pg_advisory_unlock($1)', [SEAL_LOCK]);
    } finally {
      await holder.end();
    }
    await waitAllSealed(db.sql);
    assert.equal((await verify(app.url, token)).body.ok, true);
  });
});
