import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { AuditSealer } from './audit-sealer.service';
import { AUDIT_COLUMNS } from './audit-row';
import { auditValues } from './audit.service';
import { AuditEntry } from './audit.types';

const COLUMNS = AUDIT_COLUMNS.length;
/** Rows per INSERT at most (10 parameters each, far below PostgreSQL's 65,535). */
const MAX_BATCH = 200;
/** INSERTs in flight at once: while they run, the next group gathers. */
const MAX_IN_FLIGHT = 2;

interface Queued {
  values: unknown[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for audit rows that stand alone (token issuance by
 * client_credentials): rows arriving together are written by one multi-row
 * INSERT, one transaction, one WAL flush instead of one per row. Each caller
 * is resolved only after that commit, so a response never goes out before
 * its row is durable; if the INSERT fails, every caller of the group fails.
 * No timer: a group is sent as soon as an INSERT slot is free, and grows
 * by itself while the slots are busy (the busier, the larger).
 */
@Injectable()
export class AuditBatchWriter {
  private queue: Queued[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Database,
    private readonly sealer: AuditSealer,
  ) {}

  write(entry: AuditEntry): Promise<void> {
    const values = auditValues(entry);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ values, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    // One turn of the event loop: rows queued by requests parsed in the same turn join the group.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    const group = this.queue.splice(0, MAX_BATCH);
    this.inFlight++;
    this.insert(group)
      .then(
        () => {
          // The group committed: seal it now rather than at the sealer's next poll.
          this.sealer.nudge();
          group.forEach((q) => q.resolve());
        },
        (err: unknown) => group.forEach((q) => q.reject(err)),
      )
      .finally(() => {
        this.inFlight--;
        this.schedule();
      });
    this.schedule();
  }

  private async insert(group: Queued[]): Promise<void> {
    const rows = group.map(
      (_, r) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`,
    );
    await this.db.query(
      `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`,
      group.flatMap((q) => q.values),
    );
  }
}
