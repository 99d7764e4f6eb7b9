import { Injectable } from '@nestjs/common';
import { RequestContext, RequestMeta } from '../common/http/request-context';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { Tx } from '../database/tx';
import { AuditSealer } from './audit-sealer.service';
import { AUDIT_COLUMNS } from './audit-row';
import { AuditEntry } from './audit.types';

/** Keys that could carry a credential: dropped from details whatever a caller passes. */
const SECRET_KEY = /pass|secret|token|hash|otp|^key$|api_key$|authorization|credential/i;

function scrub(details: Record<string, unknown>): Record<string, unknown> {
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(details)) {
    if (SECRET_KEY.test(k) && k !== 'grant_type' && k !== 'token_type' && k !== 'token_type_hint') continue;
    clean[k] = v;
  }
  return clean;
}

/** One row's values: the entry, scrubbed, plus request id, IP and user agent from the request context. */
export function auditValues(entry: AuditEntry, meta: RequestMeta = RequestContext.current()): unknown[] {
  return [
    entry.eventType,
    entry.outcome,
    entry.actor.type,
    entry.actor.id ?? null,
    entry.subject?.type ?? null,
    entry.subject?.id ?? null,
    meta.ip,
    meta.userAgent,
    meta.requestId,
    JSON.stringify(scrub(entry.details ?? {})),
  ];
}

const COLUMNS = AUDIT_COLUMNS.length;

/** One multi-row INSERT of rows built by `auditValues` (10 parameters each: up to 6,000 rows per statement). */
export async function insertAuditRows(q: Queryable, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const tuples = rows.map(
    (_, r) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`,
  );
  await q.query(`INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, rows.flat());
}

/**
 * Audit rows inside a larger statement: `auditUnnest(first)` is a FROM item
 * (alias `a`, with ordinality `n`) over parameters `first` onwards, which
 * `auditColumnArrays` fills; `AUDIT_SELECT` is its SELECT list in
 * AUDIT_COLUMNS order. For a statement that writes rows only for what it
 * changed (join on `a.n`), so the change and its row commit as one.
 */
export function auditUnnest(first: number): string {
  const args = AUDIT_COLUMNS.map((_, i) => `$${first + i}::text[]`).join(', ');
  return `unnest(${args}) WITH ORDINALITY AS a(${AUDIT_COLUMNS.join(', ')}, n)`;
}

export const AUDIT_SELECT = AUDIT_COLUMNS.map((c) => (c === 'details' ? 'a.details::jsonb' : `a.${c}`)).join(', ');

export function auditColumnArrays(rows: readonly unknown[][]): unknown[][] {
  return AUDIT_COLUMNS.map((_, c) => rows.map((r) => r[c]));
}

/**
 * The audit writer. `record` writes inside the caller's transaction, so the
 * row commits or rolls back with the change it describes. Request id, IP
 * and user agent come from the request context.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly sealer: AuditSealer,
  ) {}

  async record(tx: Queryable, entry: AuditEntry): Promise<void> {
    await insertAuditRows(tx, [auditValues(entry)]);
    // Sealing starts right after commit; a rolled-back row never wakes the sealer.
    if (tx instanceof Tx) tx.afterCommit(() => this.sealer.nudge());
    else this.sealer.nudge();
  }

  /** Rows written by a statement of their own (`auditUnnest`) committed: seal them now, not at the next poll. */
  committed(): void {
    this.sealer.nudge();
  }

  /** For events that change nothing else (a failed attempt): one autocommit INSERT. */
  async recordAlone(entry: AuditEntry): Promise<void> {
    await this.record(this.db, entry);
  }
}
