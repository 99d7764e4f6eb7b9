import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { SEAL_LOCK } from '../../src/audit/audit-sealer.service';
import { BenchContext, log } from '../lib/context';
import { clientToken, FORM } from '../lib/fixtures';
import { basicAuth } from '../lib/http';
import { sleep } from '../lib/processes';
import { Part, Row } from './part';

const EXPORT_ROWS = 1_000_000;
const INSERT_CHUNK = 100_000;

/** Resident set of a process in MB (Linux). */
function rssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

/** Cumulative counts of the sealing-lag histogram, by upper bound. */
async function lagBuckets(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets = new Map<string, number>();
  for (const m of text.matchAll(/^auth_audit_seal_lag_seconds_bucket\{le="([^"]+)"\} (\d+)/gm))
    buckets.set(m[1], Number(m[2]));
  return buckets;
}

/** The bucket bound under which 99% of the rows sealed between two scrapes fall. */
function p99Bound(before: Map<string, number>, after: Map<string, number>): { bound: number; rows: number } {
  const diffs = [...after].map(
    ([le, n]) => [le === '+Inf' ? Infinity : Number(le), n - (before.get(le) ?? 0)] as const,
  );
  const total = diffs.find(([le]) => le === Infinity)?.[1] ?? 0;
  const bound = diffs.find(([, n]) => n >= total * 0.99)?.[0] ?? Infinity;
  return { bound, rows: total };
}

async function waitSealed(sql: Client, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await sql.query('SELECT 1 FROM audit_events WHERE seq IS NULL LIMIT 1')).rowCount) {
    if (Date.now() > deadline) throw new Error('audit rows stayed unsealed');
    await sleep(200);
  }
}

function ccLoad(ctx: BenchContext, title: string): ReturnType<BenchContext['load']> {
  const { clientId, secret } = ctx.seeded.cc;
  return ctx.load({
    title,
    path: '/oauth/token',
    method: 'POST',
    headers: { 'content-type': FORM, ...basicAuth(clientId, secret) },
    body: 'grant_type=client_credentials',
    expectInBody: '"access_token"',
  });
}

/**
 * What sealing costs the token endpoint. "Off" holds the sealer's advisory
 * lock from here, so no instance seals during that run (AUDIT_SEALING=off
 * would need another service process); the backlog is sealed before "on".
 */
async function sealingRows(ctx: BenchContext, sql: Client): Promise<Row[]> {
  await sql.query('SELECT pg_advisory_lock($1)', [SEAL_LOCK]);
  const off = await ccLoad(ctx, 'client_credentials (sealing held off)');
  await sql.query('SELECT pg_advisory_unlock($1)', [SEAL_LOCK]);
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE seq IS NULL');
  const started = Date.now();
  await waitSealed(sql);
  const catchUp = rows[0].n / ((Date.now() - started) / 1000);
  log(`audit: sealed a backlog of ${rows[0].n} rows at ${catchUp.toFixed(0)} rows/s`);
  const before = await lagBuckets(ctx.service.url);
  const on = await ccLoad(ctx, 'client_credentials (sealing on)');
  const lag = p99Bound(before, await lagBuckets(ctx.service.url));
  const loss = 1 - on.rps / off.rps;
  return [
    { id: 'audit-cc-off', label: 'client_credentials, sealing held off', load: off },
    {
      id: 'audit-cc-on',
      label: 'client_credentials, sealing on',
      load: on,
      target: { text: '<= 5% below sealing off' },
      pass: loss <= 0.05,
      note: `${(loss * 100).toFixed(1)}% below sealing off (noisy: shared machine)`,
    },
    {
      id: 'audit-lag',
      label: 'sealing lag p99 during client_credentials',
      figures: `p99 <= ${lag.bound} s over ${lag.rows} rows; backlog sealed at ${catchUp.toFixed(0)} rows/s`,
      target: { text: 'p99 < 1 s' },
      pass: lag.bound < 1,
    },
  ];
}

/** Grows the table to a million rows with SQL (realistic shapes), then waits for the sealer. */
async function fill(sql: Client): Promise<{ inserted: number; sealRate: number }> {
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
  let left = Math.max(0, EXPORT_ROWS - rows[0].n);
  const inserted = left;
  const started = Date.now();
  while (left > 0) {
    const n = Math.min(INSERT_CHUNK, left);
    await sql.query(
      `INSERT INTO audit_events (event_type, outcome, actor_type, actor_id, subject_type, subject_id, ip, user_agent, request_id, details)
       SELECT 'token.issued', 'success', 'client', 'bench-client', 'client', 'bench-client', '10.0.0.' || (g % 250),
              'bench/1.0', md5(g::text), jsonb_build_object('grant_type', 'client_credentials', 'scope', 'users:read')
       FROM generate_series(1, $1::int) g`,
      [n],
    );
    left -= n;
  }
  await waitSealed(sql);
  return { inserted, sealRate: inserted / ((Date.now() - started) / 1000) };
}

async function verifyRow(ctx: BenchContext, token: string): Promise<Row> {
  const started = Date.now();
  const res = await fetch(`${ctx.service.url}/v1/audit-events/verify`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { ok: boolean; checked: number };
  const seconds = (Date.now() - started) / 1000;
  const rate = body.checked / seconds;
  return {
    id: 'audit-verify',
    label: 'audit chain verification (whole chain, over HTTP)',
    figures: `${body.checked} rows in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} rows/s, ok=${body.ok}`,
    target: { text: '>= 50,000 rows/s' },
    pass: body.ok && rate >= 50_000,
  };
}

async function exportRow(ctx: BenchContext, token: string): Promise<Row> {
  const pid = ctx.service.pid;
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
  const started = Date.now();
  let lines = 0;
  try {
    const res = await fetch(`${ctx.service.url}/v1/audit-events/export?after_seq=0`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const byte of value) if (byte === 10) lines += 1;
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (Date.now() - started) / 1000;
  const after = rssMb(pid);
  return {
    id: 'audit-export',
    label: `audit export of ${lines} rows (NDJSON)`,
    figures:
      `${lines} rows in ${seconds.toFixed(1)} s = ${(lines / seconds).toFixed(0)} rows/s; ` +
      `service RSS before ${before.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after ${after.toFixed(0)} MB`,
    target: { text: '1M rows, flat memory' },
    pass: lines >= EXPORT_ROWS && peak - before < 150,
  };
}

/** Issue 13's targets: sealing lag and cost under token load, verification speed, a 1M-row export. */
export const audit: Part = {
  id: 'audit',
  title: 'tamper-evident audit log',
  needs: [],
  async run(ctx) {
    const sql = new Client({ connectionString: ctx.db.url, application_name: 'auth-bench-audit' });
    await sql.connect();
    try {
      const rows = await sealingRows(ctx, sql);
      const filled = await fill(sql);
      log(`audit: inserted ${filled.inserted} rows; written and sealed at ${filled.sealRate.toFixed(0)} rows/s`);
      const token = await clientToken(ctx.service.url, ctx.seeded.admin);
      rows.push(await verifyRow(ctx, token), await exportRow(ctx, token));
      return rows;
    } finally {
      await sql.end();
    }
  },
};
