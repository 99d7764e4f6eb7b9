import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { canonicalJson } from '../../src/audit/jcs';
import { sessionWith } from '../factories/admin';
import { assertGapFree, insertEvents, verify, VerifyBody, waitAllSealed } from '../support/audit-chain';
import { freshDatabase, FreshDatabase } from '../support/fresh-database';
import { request } from '../support/http';
import { startTestApp, TestApp, testEnv } from '../support/test-app';

const CLI = join(__dirname, '..', '..', 'src', 'audit', 'verify-cli.js');
const TABLES = ['audit_events', 'audit_seals', 'audit_chain_head', 'audit_checkpoints'];
/** The audit row sealed as `seq` (rows live in audit_events, their seq and hash in audit_seals). */
const rowAt = (seq: number): string => `id = (SELECT event_id FROM audit_seals WHERE seq = ${seq})`;

/**
 * Tampering with real SQL on a database of its own: each case starts from a
 * copy of one sealed chain of at least 20 rows with a checkpoint at its head.
 */
describe('audit chain tampering (real SQL)', () => {
  let db: FreshDatabase;
  let app: TestApp;
  let token: string;
  let max: number;

  before(async () => {
    db = await freshDatabase();
    app = await startTestApp({
      DATABASE_URL: db.url,
      AUDIT_CHECKPOINT_SECONDS: '1',
      AUDIT_VERIFY_INTERVAL_SECONDS: '1',
    });
    token = (await sessionWith(app, ['audit:read'], { mfa: false })).token;
    await insertEvents(db.sql, 20, 'test.tamper');
    await waitAllSealed(db.sql);
    max = await assertGapFree(db.sql);
    // Wait for a checkpoint of the head, so rewriting the chain has something to contradict.
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.sql.query('SELECT 1 FROM audit_checkpoints WHERE seq = $1', [max]);
      if (rows.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const table of TABLES) {
      await db.sql.query(`CREATE TABLE snap_${table} AS SELECT * FROM ${table}`);
    }
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  // Every case starts from the same intact chain (nothing else writes audit rows in this database).
  beforeEach(async () => {
    await db.sql.query('BEGIN');
    for (const table of TABLES) {
      await db.sql.query(`DELETE FROM ${table}`);
      await db.sql.query(`INSERT INTO ${table} OVERRIDING SYSTEM VALUE SELECT * FROM snap_${table}`);
    }
    await db.sql.query('COMMIT');
    assert.equal((await verify(app.url, token)).body.ok, true);
  });

  const broken = async (firstBad: number): Promise<VerifyBody> => {
    const res = await verify(app.url, token);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.ok, false, res.text);
    assert.equal(res.body.first_bad_seq, firstBad, res.text);
    return res.body;
  };

  const cli = (args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string } => {
    const run = spawnSync(process.execPath, [CLI, ...args], {
      env: { ...testEnv({ DATABASE_URL: db.url }), PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    return { status: run.status, stdout: run.stdout };
  };

  it('an UPDATE of a detail is found at its seq', async () => {
    await db.sql.query(`UPDATE audit_events SET details = '{"n": 999}' WHERE ${rowAt(5)}`);
    const body = await broken(5);
    assert.equal(body.checked, 5);
  });

  it('a DELETE of a row is found at the missing seq, with or without its seal', async () => {
    await db.sql.query(`DELETE FROM audit_events WHERE ${rowAt(7)}`);
    await broken(7);
    await db.sql.query('DELETE FROM audit_seals WHERE seq = 7');
    await broken(7);
    // A range that starts just after the hole has nothing to chain from: the hole is named.
    const after = await verify(app.url, token, '?from_seq=8');
    assert.deepEqual([after.body.ok, after.body.first_bad_seq], [false, 7], after.text);
    // The export goes on past the hole, to the head.
    const exported = (await request('GET', `${app.url}/v1/audit-events/export`, { token })).text
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { seq: number }).seq);
    assert.deepEqual(
      exported,
      Array.from({ length: max }, (_, i) => i + 1).filter((seq) => seq !== 7),
    );
  });

  it('a DELETE of the first rows is found (not taken for retention)', async () => {
    // Retention cuts only at a checkpoint; cut just past one (or anywhere before the first) and it is tampering.
    const { rows } = await db.sql.query<{ seq: string }>('SELECT seq::text AS seq FROM audit_checkpoints ORDER BY seq');
    const cps = rows.map((r) => Number(r.seq));
    let k = 2;
    while (cps.includes(k)) k += 1;
    assert.ok(k < max);
    await db.sql.query('DELETE FROM audit_events WHERE id IN (SELECT event_id FROM audit_seals WHERE seq <= $1)', [k]);
    await db.sql.query('DELETE FROM audit_seals WHERE seq <= $1', [k]);
    await broken(Math.max(0, ...cps.filter((c) => c <= k)) + 1);
  });

  it('an INSERT with a forged seq and hash is found, in the middle or past the head', async () => {
    const forge = (seq: number, hash: string): Promise<unknown> =>
      db.sql.query(
        `WITH e AS (INSERT INTO audit_events (event_type, outcome, actor_type)
                    VALUES ('user.login', 'success', 'system') RETURNING id)
         INSERT INTO audit_seals (seq, event_id, hash) SELECT $1, id, $2 FROM e`,
        [seq, hash],
      );
    await forge(max + 1, 'a'.repeat(64));
    await broken(max + 1);
    await db.sql.query(`DELETE FROM audit_events WHERE ${rowAt(9)}`);
    await db.sql.query('DELETE FROM audit_seals WHERE seq = 9');
    await forge(9, 'b'.repeat(64));
    await broken(9);
  });

  it('swapping two rows is found at the first of them', async () => {
    await db.sql.query('BEGIN');
    await db.sql.query('UPDATE audit_seals SET seq = -5 WHERE seq = 5');
    await db.sql.query('UPDATE audit_seals SET seq = 5 WHERE seq = 6');
    await db.sql.query('UPDATE audit_seals SET seq = 6 WHERE seq = -5');
    await db.sql.query('COMMIT');
    await broken(5);
  });

  it('a chain rewritten with correct hashes is caught by the signed checkpoint', async () => {
    // The attacker edits row 5 and recomputes every later hash and the head, but cannot sign.
    await db.sql.query(`UPDATE audit_events SET details = '{"n": 999}' WHERE ${rowAt(5)}`);
    const rows = (await request('GET', `${app.url}/v1/audit-events/export`, { token })).text
      .split('\n')
      .filter(Boolean);
    let prev = '';
    for (const line of rows) {
      const row = JSON.parse(line) as { seq: number; hash: string };
      if (row.seq >= 5) {
        const { hash: _old, ...rest } = row;
        void _old;
        row.hash = createHash('sha256').update(prev).update(canonicalJson(rest)).digest('hex');
        await db.sql.query('UPDATE audit_seals SET hash = $1 WHERE seq = $2', [row.hash, row.seq]);
      }
      prev = row.hash;
    }
    await db.sql.query('UPDATE audit_chain_head SET hash = $1', [prev]);
    const { rows: cps } = await db.sql.query<{ seq: string }>(
      'SELECT max(seq)::text AS seq FROM audit_checkpoints WHERE seq < 5',
    );
    await broken(Number(cps[0].seq ?? 0) + 1);
  });

  it('a checkpoint with a forged signature is not trusted', async () => {
    await db.sql.query(`UPDATE audit_checkpoints SET signature = repeat('A', 86) WHERE seq = $1`, [max]);
    const body = await verify(app.url, token);
    assert.equal(body.body.ok, false);
  });

  it('sets auth_audit_chain_ok to 0 and npm run audit:verify exits 1; 0 while intact; 2 on error', async () => {
    const good = cli([]);
    assert.equal(good.status, 0, good.stdout);
    assert.equal((JSON.parse(good.stdout) as VerifyBody).ok, true);
    const metric = async (): Promise<string | undefined> =>
      /^auth_audit_chain_ok (\d)$/m.exec((await request('GET', `${app.url}/metrics`)).text)?.[1];
    // Earlier cases broke the chain for a while: the periodic check sees it intact again.
    for (let i = 0; i < 100 && (await metric()) !== '1'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await metric(), '1');
    assert.match((await request('GET', `${app.url}/metrics`)).text, /^auth_audit_last_verified_seq \d+$/m);
    await db.sql.query(`UPDATE audit_events SET event_type = 'user.logout' WHERE ${rowAt(3)}`);
    const bad = cli(['--from-seq', '1']);
    assert.equal(bad.status, 1);
    assert.deepEqual(
      [(JSON.parse(bad.stdout) as VerifyBody).ok, (JSON.parse(bad.stdout) as VerifyBody).first_bad_seq],
      [false, 3],
    );
    assert.equal(cli(['--from-seq', 'x']).status, 2);
    assert.equal(cli(['--from-seq', '5', '--to-seq', '2']).status, 2);
    assert.equal(cli([], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }).status, 2);
    for (let i = 0; i < 100 && (await metric()) !== '0'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await metric(), '0');
  });
});
