import { createHash } from 'node:crypto';
import { AuditEventDto } from './dto/audit-event.dto';
import { canonicalJson } from './jcs';

/** The hash row 1 chains from. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The one SELECT list for an audit row as the API shows it. Listing,
 * export, sealing and verification all use it, so the bytes that were
 * hashed are the bytes a reader gets.
 */
export const AUDIT_ROW_COLUMNS = `
  audit_events.id::text AS id, audit_events.seq::text AS seq, audit_events.hash,
  to_char(audit_events.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
  audit_events.event_type, audit_events.outcome, audit_events.actor_type, audit_events.actor_id,
  audit_events.subject_type, audit_events.subject_id, audit_events.ip, audit_events.user_agent,
  audit_events.request_id, audit_events.details`;

/** A row as node-postgres returns AUDIT_ROW_COLUMNS: bigints arrive as text. */
export type RawAuditRow = Omit<AuditEventDto, 'seq'> & { seq: string | null };

export function toAuditEvent(raw: RawAuditRow): AuditEventDto {
  return {
    id: raw.id,
    seq: raw.seq === null ? null : Number(raw.seq),
    hash: raw.hash,
    occurred_at: raw.occurred_at,
    event_type: raw.event_type,
    outcome: raw.outcome,
    actor_type: raw.actor_type,
    actor_id: raw.actor_id,
    subject_type: raw.subject_type,
    subject_id: raw.subject_id,
    ip: raw.ip,
    user_agent: raw.user_agent,
    request_id: raw.request_id,
    details: raw.details,
  };
}

/**
 * hash = SHA-256(prev hash as 64 hex characters || JCS(row without `hash`)),
 * lowercase hex (API.md "Integrity, retention and export").
 */
export function chainHash(prevHash: string, row: AuditEventDto, seq: number): string {
  const { hash: _ignored, ...rest } = row;
  void _ignored;
  return createHash('sha256')
    .update(prevHash, 'latin1')
    .update(canonicalJson({ ...rest, seq }), 'utf8')
    .digest('hex');
}
