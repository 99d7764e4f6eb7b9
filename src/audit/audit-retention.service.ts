import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicJob } from '../common/concurrency/periodic-job';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { CheckpointSigner } from './checkpoint-signer';

const DELETE_BATCH = 5_000;

/**
 * Deletes sealed audit rows older than AUDIT_RETENTION_DAYS, at start and
 * every AUDIT_RETENTION_INTERVAL_SECONDS.
 *
 * The cut is always at a checkpoint of this key signed before the cut-off
 * time: every row up to it was written before it was sealed, so before the
 * cut-off, and the first row kept chains from that checkpoint, which is kept
 * (its signature re-anchors the chain). Unsealed rows have no seal and are
 * never touched. Each row goes with its seal, in small autocommit batches by
 * seq, so no lock is held for long and writers and the sealer never wait on
 * retention.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private job?: PeriodicJob;

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly signer: CheckpointSigner,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.job = new PeriodicJob(() => this.run(), {
      firstDelayMs: 0,
      intervalMs: this.config.audit.retentionIntervalSeconds * 1000,
      onError: (err) => this.logger.warn({ err: (err as Error).message }, 'audit retention failed'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.job?.stop();
  }

  /** Deletes what is due; the number of rows deleted. */
  async run(): Promise<number> {
    const [cut] = await this.db.query<{ seq: string | null }>(
      `SELECT max(seq)::text AS seq FROM audit_checkpoints
       WHERE kid = $1 AND signed_at < now() - make_interval(secs => $2)`,
      [this.signer.jwk.kid, this.config.audit.retentionDays * 86_400],
    );
    if (cut.seq === null) return 0;
    let deleted = 0;
    for (;;) {
      if (this.job?.stopping) break;
      const [row] = await this.db.query<{ seals: number; rows: number }>(
        `WITH seals AS (
           DELETE FROM audit_seals WHERE seq IN (SELECT seq FROM audit_seals WHERE seq <= $1 ORDER BY seq LIMIT $2)
           RETURNING event_id),
         gone AS (DELETE FROM audit_events WHERE id IN (SELECT event_id FROM seals) RETURNING 1)
         SELECT (SELECT count(*) FROM seals)::int AS seals, (SELECT count(*) FROM gone)::int AS rows`,
        [cut.seq, DELETE_BATCH],
      );
      deleted += row.rows;
      if (row.seals < DELETE_BATCH) break;
    }
    await this.db.query('DELETE FROM audit_checkpoints WHERE seq < $1', [cut.seq]);
    if (deleted > 0) this.logger.info({ deleted, through_seq: Number(cut.seq) }, 'audit retention deleted old rows');
    return deleted;
  }
}
