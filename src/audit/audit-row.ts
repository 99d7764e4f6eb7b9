import { createHash, hash as sha } from 'node:crypto';
import { AuditEventDto } from './dto/audit-event.dto';
import { canonicalJson } from './jcs';

/** The hash row 1 chains from. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The columns a writer fills, in the order of `auditValues`; the database
 * adds id and occurred_at, the sealer seq and hash.
 */
export const AUDIT_COLUMNS = [
  'event_type',
  'outcome',
  'actor_type',
  'actor_id',
  'subject_type',
  'subject_id',
  'ip',
  'user_agent',
  'request_id',
  'details',
] as const;

/**
 * The one SELECT list for an audit row as the API shows it, over
 * AUDIT_ROW_FROM. Listing, export, sealing and verification all use it, so
 * the bytes that were hashed are the bytes a reader gets.
 */
export const AUDIT_ROW_COLUMNS = `
  audit_events.id::text AS id, audit_seals.seq::text AS seq, audit_seals.hash,
  to_char(audit_events.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
  audit_events.event_type, audit_events.outcome, audit_events.actor_type, audit_events.actor_id,
  audit_events.subject_type, audit_events.subject_id, audit_events.ip, audit_events.user_agent,
  audit_events.request_id, audit_events.details`;

/**
 * A row and its seal, if it has one (`audit_events` is append-only, the
 * sealer writes `audit_seals`). The seal is looked up row by row (OFFSET 0
 * keeps the subquery from being flattened): pages of rows then cost a probe
 * each, never a hash join that reads every seal.
 */
export const AUDIT_ROW_FROM = `audit_events LEFT JOIN LATERAL (
    SELECT s.seq, s.hash FROM audit_seals s WHERE s.event_id = audit_events.id OFFSET 0) audit_seals ON true`;

/** FROM and WHERE of the rows that wait for their seal: above the sealer's watermark, without a seal. */
export const UNSEALED_ROWS = `${AUDIT_ROW_FROM}
  WHERE audit_events.id > (SELECT sealed_below FROM audit_chain_head) AND audit_seals.seq IS NULL`;

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

/** The members of a row as hashed: the API's row without `hash`, in JCS order (UTF-16 code units). */
const HASHED_KEYS = (['id', 'seq', 'occurred_at', ...AUDIT_COLUMNS] as const satisfies readonly (keyof AuditEventDto)[])
  .slice()
  .sort();
const MEMBER_NAMES = HASHED_KEYS.map((key) => `${JSON.stringify(key)}:`);

/**
 * JCS of the row with `seq`, without `hash`: the same bytes as
 * canonicalJson({ ...row without hash, seq }), without building that object
 * and sorting its keys for every row (the sealer and the verifier hash each
 * row; the spec pins the equality).
 */
export function canonicalRow(row: AuditEventDto, seq: number): string {
  let out = '';
  for (let i = 0; i < HASHED_KEYS.length; i++) {
    const key = HASHED_KEYS[i];
    const value = key === 'seq' ? seq : row[key];
    if (value === undefined) continue;
    // Strings (most members) straight to JSON.stringify: what canonicalJson does for them anyway.
    const json = typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value);
    out += `${out === '' ? '' : ','}${MEMBER_NAMES[i]}${json}`;
  }
  return `{${out}}`;
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * hash = SHA-256(prev hash as 64 hex characters || JCS(row without `hash`)),
 * lowercase hex (API.md "Integrity, retention and export"). A proper previous
 * hash is ASCII, so one UTF-8 string carries both parts (one-shot hashing,
 * about twice as fast as a Hash object); anything else keeps the byte-wise
 * form, so a damaged stored hash is hashed exactly as before.
 */
export function chainHash(prevHash: string, row: AuditEventDto, seq: number): string {
  const json = canonicalRow(row, seq);
  if (HEX_HASH.test(prevHash)) return sha('sha256', `${prevHash}${json}`, 'hex');
  return createHash('sha256').update(prevHash, 'latin1').update(json, 'utf8').digest('hex');
}
