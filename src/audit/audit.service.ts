import { Injectable } from '@nestjs/common';
import { RequestContext } from '../common/http/request-context';
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
export function auditValues(entry: AuditEntry): unknown[] {
  const meta = RequestContext.current();
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
    await tx.query(
      `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      auditValues(entry),
    );
    // Sealing starts right after commit; a rolled-back row never wakes the sealer.
    if (tx instanceof Tx) tx.afterCommit(() => this.sealer.nudge());
    else this.sealer.nudge();
  }

  /** For events that change nothing else (a failed attempt): one autocommit INSERT. */
  async recordAlone(entry: AuditEntry): Promise<void> {
    await this.record(this.db, entry);
  }
}
