import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { sessionWith } from '../factories/admin';
import { assertGapFree, insertEvents, sealedCount, verify, waitAllSealed } from '../support/audit-chain';
import { freshDatabase, FreshDatabase } from '../support/fresh-database';
import { freePort, startServiceProcess } from '../support/service-process';
import { startTestApp, TestApp, testEnv } from '../support/test-app';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The sealer's blocked INSERT of seals, if any: proof that a batch is half done. */
async function blockedSealer(sql: Client): Promise<number | undefined> {
  const { rows } = await sql.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
       AND query LIKE '%INSERT INTO audit_seals (seq, event_id, hash)%SELECT%'`,
  );
  return rows[0]?.pid;
}

describe('audit sealer faults (own database, several instances)', () => {
  let db: FreshDatabase;
  const apps: TestApp[] = [];
  before(async () => {
    db = await freshDatabase();
  });
  after(async () => {
    for (const app of apps) await app.close();
    await db.drop();
  });

  it('a sealer killed mid-batch loses nothing and leaves no gap; another instance takes over', async () => {
    await insertEvents(db.sql, 50, 'test.kill');
    // An uncommitted seal of one row of the batch: the sealer's INSERT waits on it with the batch half done.
    const blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO audit_seals (seq, event_id, hash)
       SELECT -1, id, 'blocker' FROM audit_events WHERE event_type = 'test.kill' ORDER BY id DESC LIMIT 1`,
    );
    const service = await startServiceProcess(testEnv({ DATABASE_URL: db.url }));
    let pid: number | undefined;
    for (let i = 0; i < 200 && pid === undefined; i++) {
      pid = await blockedSealer(db.sql);
      if (pid === undefined) await sleep(50);
    }
    assert.ok(pid, 'the sealer reached its INSERT');
    process.kill(service.pid, 'SIGKILL');
    await service.stop();
    for (let i = 0; i < 200 && (await blockedSealer(db.sql)) !== undefined; i++) await sleep(50);
    await blocker.query('ROLLBACK');
    await blocker.end();
    assert.equal((await sealedCount(db.sql)).sealed, 0, 'the killed batch sealed nothing');
    const { rows } = await db.sql.query<{ seq: string }>('SELECT seq::text AS seq FROM audit_chain_head');
    assert.equal(rows[0].seq, '0');

    apps.push(await startTestApp({ DATABASE_URL: db.url }));
    await waitAllSealed(db.sql);
    assert.ok((await assertGapFree(db.sql)) >= 50);
    const token = (await sessionWith(apps[0], ['audit:read'], { mfa: false })).token;
    const result = await verify(apps[0].url, token);
    assert.deepEqual([result.body.ok, result.body.first_bad_seq], [true, null]);
  });

  it('two sealers side by side under concurrent writers: seq unique, gap-free, every committed row once', async () => {
    apps.push(await startTestApp({ DATABASE_URL: db.url }));
    // One snapshot: counted in two queries, a row sealed in between would be counted in neither.
    const counts = await sealedCount(db.sql);
    const before = counts.sealed + counts.unsealed;
    let committed = 0;
    const writer = async (w: number): Promise<void> => {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const until = Date.now() + 2_000;
      for (let i = 0; Date.now() < until; i++) {
        await client.query('BEGIN');
        const n = 1 + (i % 3);
        await client.query(
          `INSERT INTO audit_events (event_type, outcome, actor_type, details)
           SELECT 'test.concurrent', 'success', 'system', jsonb_build_object('w', $1::int, 'i', $2::int, 'k', g)
           FROM generate_series(1, $3::int) g`,
          [w, i, n],
        );
        // Transactions stay open for different times, so they commit out of id order.
        await sleep((w * 7 + i * 13) % 25);
        if (i % 5 === 4) {
          await client.query('ROLLBACK');
        } else {
          await client.query('COMMIT');
          committed += n;
        }
      }
      await client.end();
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map(writer));
    await waitAllSealed(db.sql);
    const max = await assertGapFree(db.sql);
    assert.equal(max, before + committed);
    const { rows } = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events e JOIN audit_seals s ON s.event_id = e.id
       WHERE e.event_type = 'test.concurrent'`,
    );
    assert.equal(rows[0].n, committed);
    for (const app of apps) {
      const token = (await sessionWith(app, ['audit:read'], { mfa: false })).token;
      const result = await verify(app.url, token);
      assert.deepEqual([result.body.ok, result.body.first_bad_seq], [true, null], result.text);
    }
  });
});

describe('audit checkpoints on stdout (own database, service process)', () => {
  it('logs every checkpoint it stores, as a copy outside the database', async () => {
    const db = await freshDatabase();
    const port = await freePort();
    const env = { ...process.env, ...testEnv({ DATABASE_URL: db.url, LOG_LEVEL: 'info' }), PORT: String(port) };
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'src', 'main.js')], {
      env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    try {
      await insertEvents(db.sql, 5, 'test.stdout');
      let logged: { seq: number; hash: string; signed_at: string; signature: string; kid: string } | undefined;
      for (let i = 0; i < 300 && !logged; i++) {
        const line = stdout.split('\n').find((l) => l.includes('"audit checkpoint signed"'));
        if (line) logged = (JSON.parse(line) as { audit_checkpoint: typeof logged }).audit_checkpoint;
        else await sleep(100);
      }
      assert.ok(logged, 'a checkpoint line on stdout');
      const { rows } = await db.sql.query<{ hash: string; signature: string; kid: string }>(
        'SELECT hash, signature, kid FROM audit_checkpoints WHERE seq = $1',
        [logged.seq],
      );
      assert.deepEqual(rows[0], { hash: logged.hash, signature: logged.signature, kid: logged.kid });
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await db.drop();
    }
  });
});
