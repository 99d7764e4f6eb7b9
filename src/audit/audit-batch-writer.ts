import { Injectable } from '@nestjs/common';
import { GroupCommit, Settled } from '../common/concurrency/group-commit';
import { Database } from '../database/database.service';
import { AuditSealer } from './audit-sealer.service';
import { auditValues, insertAuditRows } from './audit.service';
import { AuditEntry } from './audit.types';

/**
 * Group commit for audit rows that stand alone (token issuance by
 * client_credentials): rows arriving together are written by one multi-row
 * INSERT, one transaction, one WAL flush instead of one per row. Each caller
 * is resolved only after that commit, so a response never goes out before
 * its row is durable; if the INSERT fails, every caller of the group fails.
 */
@Injectable()
export class AuditBatchWriter {
  /** 200 rows per INSERT at most (10 parameters each, far below PostgreSQL's 65,535); two INSERTs in flight. */
  private readonly groups = new GroupCommit<unknown[], void>((group) => this.insert(group), {
    maxGroup: 200,
    maxInFlight: 2,
  });

  constructor(
    private readonly db: Database,
    private readonly sealer: AuditSealer,
  ) {}

  write(entry: AuditEntry): Promise<void> {
    return this.groups.submit(auditValues(entry));
  }

  private async insert(group: unknown[][]): Promise<Settled<void>[]> {
    await insertAuditRows(this.db, group);
    // The group committed: seal it now rather than at the sealer's next poll.
    this.sealer.nudge();
    return group.map(() => ({ ok: true, value: undefined }));
  }
}
