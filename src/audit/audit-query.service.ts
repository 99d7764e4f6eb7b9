import { Injectable } from '@nestjs/common';
import { ProblemError } from '../common/errors/problem-error';
import { decodeCursor, Page, pageLimit, toPage } from '../common/http/pagination';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditEventDto } from './dto/audit-event.dto';
import { AuditEventsQueryDto } from './dto/audit-events-query.dto';
import { parseRfc3339 } from './rfc3339';

/** A positive bigint: ids are GENERATED ALWAYS AS IDENTITY. */
const ID = /^[1-9]\d{0,18}$/;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** The audit read API: filters, newest first, keyset pagination by id. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly repo: AuditEventsRepository) {}

  async list(query: AuditEventsQueryDto): Promise<Page<AuditEventDto>> {
    const limit = pageLimit(query);
    const cursor = decodeCursor<{ id: string }>(query.cursor, ['id']);
    if (cursor && !(typeof cursor.id === 'string' && ID.test(cursor.id) && BigInt(cursor.id) <= MAX_BIGINT)) {
      throw ProblemError.validation([{ field: 'cursor', message: 'is not a valid cursor' }]);
    }
    const since = query.since === undefined ? undefined : (parseRfc3339(query.since) ?? undefined);
    const until = query.until === undefined ? undefined : (parseRfc3339(query.until) ?? undefined);
    // Same-format UTC strings compare like the instants they name.
    if (since !== undefined && until !== undefined && since > until) {
      throw ProblemError.validation([{ field: 'until', message: 'must not be before since' }]);
    }
    const rows = await this.repo.find(
      {
        eventType: query.event_type,
        outcome: query.outcome,
        actorId: query.actor_id,
        subjectId: query.subject_id,
        since,
        until,
        beforeId: cursor?.id,
      },
      limit + 1,
    );
    return toPage(
      rows,
      limit,
      (r) => r,
      (r) => ({ id: r.id }),
    );
  }
}
