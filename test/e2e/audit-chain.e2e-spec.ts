import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { Client } from 'pg';
import { AuditService } from '../../src/audit/audit.service';
import { SYSTEM_ACTOR } from '../../src/audit/audit.types';
import { canonicalJson } from '../../src/audit/jcs';
import { Database } from '../../src/database/database.service';
import { assertProblem, assertValidation, sessionWith } from '../factories/admin';
import { assertGapFree, insertEvents, verify, waitAllSealed } from '../support/audit-chain';
import { freshDatabase, FreshDatabase } from '../support/fresh-database';
import { request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

type Row = Record<string, unknown> & { id: string; seq: number; hash: string };

/** The contract's formula, written out again here rather than imported. */
function expectedHash(prev: string, row: Row): string {
  const { hash: _hash, ...rest } = row;
  void _hash;
  return createHash('sha256').update(prev).update(canonicalJson(rest)).digest('hex');
}

async function exportRows(app: TestApp, token: string, afterSeq?: number): Promise<Row[]> {
  const res = await request(
    'GET',
    `${app.url}/v1/audit-events/export${afterSeq === undefined ? '' : `?after_seq=${afterSeq}`}`,
    { token },
  );
  assert.equal(res.status, 200, res.text);
  return res.text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Row);
}

describe('audit hash chain (own database)', () => {
  let db: FreshDatabase;
  let app: TestApp;
  let token: string;
  before(async () => {
    db = await freshDatabase();
    app = await startTestApp({ DATABASE_URL: db.url, AUDIT_CHECKPOINT_SECONDS: '1' });
    token = (await sessionWith(app, ['audit:read'], { mfa: false })).token;
    await insertEvents(db.sql, 30, 'test.chain');
    await waitAllSealed(db.sql);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('seals every row: seq gap-free from 1, hash = SHA-256(prev hash || JCS(listed row, without hash))', async () => {
    const max = await assertGapFree(db.sql);
    const rows = await exportRows(app, token);
    assert.equal(rows.length, max);
    let prev = '0'.repeat(64);
    rows.forEach((row, i) => {
      assert.equal(row.seq, i + 1);
      assert.match(row.hash, /^[0-9a-f]{64}$/);
      assert.equal(row.hash, expectedHash(prev, row), `seq ${row.seq}`);
      prev = row.hash;
    });
    const listed = await request<{ items: Row[] }>('GET', `${app.url}/v1/audit-events?event_type=test.chain&limit=5`, {
      token,
    });
    assert.equal(listed.status, 200);
    for (const item of listed.body.items)
      assert.deepEqual(
        item,
        rows.find((r) => r.id === item.id),
      );
  });

  it('never rewrites an audit row: sealing adds a seal row, the row keeps its version', async () => {
    await insertEvents(db.sql, 5, 'test.append_only');
    const versions = async (): Promise<string[]> =>
      (
        await db.sql.query<{ v: string }>(
          `SELECT xmin::text || '/' || ctid::text AS v FROM audit_events WHERE event_type = 'test.append_only'
           ORDER BY id`,
        )
      ).rows.map((r) => r.v);
    const before = await versions();
    await waitAllSealed(db.sql);
    assert.deepEqual(await versions(), before);
    const { rows } = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_seals s JOIN audit_events e ON e.id = s.event_id
       WHERE e.event_type = 'test.append_only'`,
    );
    assert.equal(rows[0].n, 5);
  });

  it('a rolled-back change leaves no audit row and no gap', async () => {
    await assert.rejects(
      app.get(Database).transaction(async (tx) => {
        await app
          .get(AuditService)
          .record(tx, { eventType: 'test.rolled_back', outcome: 'success', actor: SYSTEM_ACTOR });
        throw new Error('the change failed');
      }),
    );
    await insertEvents(db.sql, 3, 'test.after_rollback');
    await waitAllSealed(db.sql);
    assert.equal((await db.sql.query(`SELECT 1 FROM audit_events WHERE event_type = 'test.rolled_back'`)).rowCount, 0);
    await assertGapFree(db.sql);
    assert.equal((await verify(app.url, token)).body.ok, true);
  });

  it('seals in commit order: a row committed late gets a later seq, never a hole', async () => {
    const slow = new Client({ connectionString: db.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const { rows: early } = await slow.query<{ id: string }>(
        `INSERT INTO audit_events (event_type, outcome, actor_type) VALUES ('test.slow', 'success', 'system')
         RETURNING id::text AS id`,
      );
      const { rows: late } = await db.sql.query<{ id: string }>(
        `INSERT INTO audit_events (event_type, outcome, actor_type) VALUES ('test.fast', 'success', 'system')
         RETURNING id::text AS id`,
      );
      assert.ok(BigInt(early[0].id) < BigInt(late[0].id));
      await waitAllSealed(db.sql);
      // Batches go on meanwhile, with rows sealed above the early id: the watermark waits below it.
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 400));
        await insertEvents(db.sql, 3, 'test.meanwhile');
        await waitAllSealed(db.sql);
      }
      const [mark] = (await db.sql.query<{ below: string }>('SELECT sealed_below::text AS below FROM audit_chain_head'))
        .rows;
      assert.ok(BigInt(mark.below) < BigInt(early[0].id), `watermark ${mark.below} passed ${early[0].id}`);
      await slow.query('COMMIT');
      const committed = Date.now();
      await waitAllSealed(db.sql);
      // Found by the next batch from the watermark: at most one idle poll away.
      assert.ok(Date.now() - committed < 1_500, `sealed ${Date.now() - committed} ms after its commit`);
      const { rows } = await db.sql.query<{ id: string; seq: string }>(
        'SELECT event_id::text AS id, seq::text AS seq FROM audit_seals WHERE event_id = ANY($1::bigint[])',
        [[early[0].id, late[0].id]],
      );
      const seqOf = (id: string): number => Number(rows.find((r) => r.id === id)!.seq);
      assert.ok(seqOf(early[0].id) > seqOf(late[0].id));
    } finally {
      await slow.end();
    }
    await assertGapFree(db.sql);
    assert.equal((await verify(app.url, token)).body.ok, true);
  });

  it('publishes the checkpoint key as an RFC 8037 JWK that verifies the checkpoints', async () => {
    const key = await request<{ kty: string; crv: string; x: string; kid: string }>(
      'GET',
      `${app.url}/v1/audit-events/checkpoint-key`,
      { token },
    );
    assert.equal(key.status, 200);
    assert.deepEqual(Object.keys(key.body).sort(), ['crv', 'kid', 'kty', 'x']);
    assert.equal(key.body.kty, 'OKP');
    assert.equal(key.body.crv, 'Ed25519');
    const thumbprint = createHash('sha256')
      .update(`{"crv":"Ed25519","kty":"OKP","x":"${key.body.x}"}`)
      .digest('base64url');
    assert.equal(key.body.kid, thumbprint);
    const { body } = await verify(app.url, token);
    const cp = body.last_checkpoint!;
    assert.ok(cp, 'a checkpoint exists');
    assert.equal(cp.kid, key.body.kid);
    assert.match(cp.signed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.body.x }, format: 'jwk' });
    const signed = Buffer.from(`{"hash":"${cp.hash}","seq":${cp.seq},"signed_at":"${cp.signed_at}"}`);
    assert.ok(verifySignature(null, signed, publicKey, Buffer.from(cp.signature, 'base64url')));
    const { rows } = await db.sql.query<{ hash: string }>('SELECT hash FROM audit_seals WHERE seq = $1', [cp.seq]);
    assert.equal(rows[0].hash, cp.hash);
    const stored = await db.sql.query('SELECT 1 FROM audit_checkpoints WHERE seq = $1 AND signature = $2', [
      cp.seq,
      cp.signature,
    ]);
    assert.equal(stored.rowCount, 1);
  });

  it('verifies the whole chain and any sub-range', async () => {
    const max = await assertGapFree(db.sql);
    const all = await verify(app.url, token);
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(
      { ...all.body, last_checkpoint: null },
      { ok: true, checked: max, first_bad_seq: null, last_checkpoint: null },
    );
    const part = await verify(app.url, token, '?from_seq=3&to_seq=7');
    assert.deepEqual([part.body.ok, part.body.checked], [true, 5]);
    const clamped = await verify(app.url, token, `?from_seq=${max}&to_seq=999999999`);
    assert.deepEqual([clamped.body.ok, clamped.body.checked], [true, 1]);
  });

  it('answers 400 for a bad range, never 500', async () => {
    for (const q of [
      '?from_seq=abc',
      '?from_seq=1.5',
      '?from_seq=-1',
      '?to_seq=1e3',
      '?from_seq=',
      '?from_seq=9999999999999999999',
    ]) {
      assertValidation(
        await request('GET', `${app.url}/v1/audit-events/verify${q}`, { token }),
        q.includes('to_seq') ? 'to_seq' : 'from_seq',
      );
    }
    assertProblem(await verify(app.url, token, '?from_seq=5&to_seq=3'), 400);
    assertProblem(await verify(app.url, token, '?from_seq=0'), 400);
    assertProblem(await verify(app.url, token, '?from_seq=999999'), 400);
    assertProblem(await request('GET', `${app.url}/v1/audit-events/export?after_seq=x`, { token }), 400);
  });

  it('needs audit:read for verify, export and the key', async () => {
    const other = (await sessionWith(app, ['users:read'], { mfa: false })).token;
    for (const path of ['verify', 'export', 'checkpoint-key']) {
      assertProblem(await request('GET', `${app.url}/v1/audit-events/${path}`), 401);
      assertProblem(await request('GET', `${app.url}/v1/audit-events/${path}`, { token: other }), 403);
    }
  });

  it('exports NDJSON in seq order, resumable by after_seq, ending at the newest sealed row', async () => {
    const res = await request('GET', `${app.url}/v1/audit-events/export`, { token });
    assert.match(res.headers.get('content-type') ?? '', /^application\/x-ndjson/);
    assert.ok(res.text.endsWith('\n'));
    // Shippers (docs/audit-export.md) read the seq off the start of a line.
    assert.match(res.text, /^\{"id":"\d+","seq":\d+,"hash":"[0-9a-f]{64}",/);
    const all = await exportRows(app, token);
    const max = await assertGapFree(db.sql);
    assert.deepEqual(
      all.map((r) => r.seq),
      Array.from({ length: max }, (_, i) => i + 1),
    );
    const tail = await exportRows(app, token, max - 2);
    assert.deepEqual(tail, all.slice(-2));
    assert.deepEqual(await exportRows(app, token, max + 100), []);
  });
});
