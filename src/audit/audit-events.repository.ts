import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { AuditEventDto } from './dto/audit-event.dto';

export interface AuditFilter {
  eventType?: string;
  outcome?: string;
  actorId?: string;
  subjectId?: string;
  /** Normalised UTC instants (see parseRfc3339), both inclusive. */
  since?: string;
  until?: string;
  /** Only rows with a smaller id (the previous page's last). */
  beforeId?: string;
}

/** Reads audit rows, newest first. Writes go through AuditService only. */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly db: Database) {}

  async find(filter: AuditFilter, limit: number): Promise<AuditEventDto[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (column: string, op: string, value: string | undefined, cast = ''): void => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} ${op} $${params.length}${cast}`);
    };
    add('event_type', '=', filter.eventType);
    add('outcome', '=', filter.outcome);
    add('actor_id', '=', filter.actorId);
    add('subject_id', '=', filter.subjectId);
    add('occurred_at', '>=', filter.since, '::timestamptz');
    add('occurred_at', '<=', filter.until, '::timestamptz');
    add('id', '<', filter.beforeId, '::bigint');
    params.push(limit);
    return this.db.query<AuditEventDto>(
      `SELECT id::text AS id,
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
              event_type, outcome, actor_type, actor_id, subject_type, subject_id, ip, user_agent, request_id, details
       FROM audit_events
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }
}
