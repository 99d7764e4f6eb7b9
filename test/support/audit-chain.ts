import assert from 'node:assert/strict';
import { Client } from 'pg';
import { HttpResult, request } from './http';

export interface VerifyBody {
  ok: boolean;
  checked: number;
  first_bad_seq: number | null;
  last_checkpoint: { seq: number; hash: string; signed_at: string; signature: string; kid: string } | null;
}

/** Audit rows written straight to the table, as many writers would, each `details.n` numbered. */
export async function insertEvents(sql: Client, count: number, eventType = 'test.event'): Promise<void> {
  await sql.query(
    `INSERT INTO audit_events (event_type, outcome, actor_type, details)
     SELECT $1, 'success', 'system', jsonb_build_object('n', g) FROM generate_series(1, $2::int) g`,
    [eventType, count],
  );
}

export async function sealedCount(sql: Client): Promise<{ sealed: number; unsealed: number; maxSeq: number }> {
  const { rows } = await sql.query<{ sealed: number; unsealed: number; max: string | null }>(
    `SELECT count(s.seq)::int AS sealed, (count(*) - count(s.seq))::int AS unsealed, max(s.seq)::text AS max
     FROM audit_events e LEFT JOIN audit_seals s ON s.event_id = e.id`,
  );
  return { sealed: rows[0].sealed, unsealed: rows[0].unsealed, maxSeq: Number(rows[0].max ?? 0) };
}

/** Waits until no row is left unsealed (the sealer runs in the background). */
export async function waitAllSealed(sql: Client, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await sealedCount(sql)).unsealed > 0) {
    assert.ok(Date.now() < deadline, 'rows stayed unsealed');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every seq from 1 (or the first retained) to the newest is present exactly once, each on a row of its own. */
export async function assertGapFree(sql: Client): Promise<number> {
  const { rows } = await sql.query<{ n: string; min: string; max: string; distinct: string }>(
    `SELECT count(s.seq) AS n, min(s.seq) AS min, max(s.seq) AS max, count(DISTINCT e.id) AS distinct
     FROM audit_seals s JOIN audit_events e ON e.id = s.event_id`,
  );
  const { n, min, max, distinct } = rows[0];
  assert.equal(n, distinct, 'a row sealed twice');
  if (Number(n) > 0) assert.equal(Number(max) - Number(min) + 1, Number(n), `gap in seq ${min}..${max} with ${n} rows`);
  return Number(max ?? 0);
}

export async function verify(url: string, token: string, query = ''): Promise<HttpResult<VerifyBody>> {
  return request<VerifyBody>('GET', `${url}/v1/audit-events/verify${query}`, { token });
}
