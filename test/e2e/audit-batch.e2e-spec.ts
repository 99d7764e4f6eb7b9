import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuditBatchWriter } from '../../src/audit/audit-batch-writer';
import { Database } from '../../src/database/database.service';
import { startTestApp, TestApp } from '../support/test-app';
import { auditRows, createClient, unique } from '../factories';
import { clientCredentials } from '../factories/admin';

const jtiOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as { jti: string }).jti;

/** Group commit of token-issuance audit rows: fewer INSERTs, and never a response before its row committed. */
describe('audit batch writer (group commit)', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('concurrent client_credentials grants each have their token.issued row when answered', async () => {
    const client = await createClient(app);
    const results = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const res = await clientCredentials(app, client.clientId, client.secret!);
        assert.equal(res.status, 200, res.text);
        // Read right after this response: the row is already committed.
        const jti = jtiOf(res.body.access_token);
        const rows = await auditRows(app, `event_type = 'token.issued' AND details->>'jti' = $1`, [jti]);
        assert.equal(rows.length, 1, `row of ${jti}`);
        return jti;
      }),
    );
    assert.equal(new Set(results).size, 40);
  });

  it('writes rows that arrive together with fewer INSERT statements than rows', async () => {
    const db = app.get(Database);
    const writer = app.get(AuditBatchWriter);
    const original = db.query.bind(db);
    let inserts = 0;
    // Counts statements on the real database (no stand-in): every call still reaches PostgreSQL.
    db.query = (async (sql: string, params?: unknown[]) => {
      if (sql.includes('INSERT INTO audit_events')) inserts++;
      return original(sql, params);
    }) as typeof db.query;
    const marker = unique('batch');
    try {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          writer.write({
            eventType: 'token.issued',
            outcome: 'success',
            actor: { type: 'system' },
            details: { marker, i },
          }),
        ),
      );
    } finally {
      db.query = original as typeof db.query;
    }
    const rows = await auditRows(app, `details->>'marker' = $1`, [marker]);
    assert.equal(rows.length, 50, 'every row is written');
    assert.ok(inserts >= 1 && inserts < 50, `${inserts} INSERTs for 50 rows`);
  });

  it('fails every caller of a group whose INSERT fails: no response goes out without its row', async () => {
    const db = app.get(Database);
    const writer = app.get(AuditBatchWriter);
    const marker = unique('poison');
    await db.query(`CREATE OR REPLACE FUNCTION ${marker}_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; END $$`);
    await db.query(`CREATE TRIGGER ${marker} BEFORE INSERT ON audit_events FOR EACH ROW
      WHEN (NEW.event_type = '${marker}') EXECUTE FUNCTION ${marker}_fail()`);
    try {
      const entry = (eventType: string) => ({
        eventType,
        outcome: 'success' as const,
        actor: { type: 'system' as const },
        details: { marker },
      });
      const settled = await Promise.allSettled([
        writer.write(entry('token.issued')),
        writer.write(entry(marker)),
        writer.write(entry('token.issued')),
      ]);
      assert.deepEqual(
        settled.map((s) => s.status),
        ['rejected', 'rejected', 'rejected'],
      );
      assert.equal(
        (await auditRows(app, `details->>'marker' = $1`, [marker])).length,
        0,
        'nothing of the failed group was written',
      );
    } finally {
      await db.query(`DROP TRIGGER IF EXISTS ${marker} ON audit_events`);
      await db.query(`DROP FUNCTION IF EXISTS ${marker}_fail()`);
    }
  });
});
