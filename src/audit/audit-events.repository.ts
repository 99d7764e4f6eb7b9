import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { AUDIT_ROW_COLUMNS, AUDIT_ROW_FROM, RawAuditRow, toAuditEvent } from './audit-row';
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
    add('audit_events.id', '<', filter.beforeId, '::bigint');
    params.push(limit);
    // Ordered by the bigint column, never by the text `id` of the SELECT list ("9" sorts after "20").
    const rows = await this.db.query<RawAuditRow>(
      `SELECT ${AUDIT_ROW_COLUMNS}
       FROM ${AUDIT_ROW_FROM}
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY audit_events.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toAuditEvent);
  }
}
