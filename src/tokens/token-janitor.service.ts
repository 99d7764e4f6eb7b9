import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicJob } from '../common/concurrency/periodic-job';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { Queryable } from '../database/queryable';
import { RevocationService } from '../revocation/revocation.service';
import { RefreshTokensRepository } from './refresh-tokens.repository';

/** Rows per DELETE: each batch is its own short transaction, so no lock is held for long. */
const BATCH = 1_000;
/** After start, once the instance serves: a fleet restarting together does not purge in the same second. */
const FIRST_RUN_MS = 30_000;
/** Arbitrary constant: whoever holds it is the one purging instance of the fleet for that batch. */
export const PURGE_LOCK = 727_274_015;

/**
 * Deletes what has expired for good, as Hydra's janitor does, so the token
 * tables do not grow with every rotation forever: refresh tokens of families
 * past their absolute lifetime (every rotation leaves its consumed token
 * behind, for reuse detection) and revocation entries of tokens that have
 * expired. Shortly after start, then every TOKEN_PURGE_INTERVAL_SECONDS.
 * Each batch holds a PostgreSQL advisory lock (try, never wait): while one
 * instance purges, the others skip their run, so N instances do the scans
 * of one, and a run cut short by a crash is simply taken up by the next.
 */
@Injectable()
export class TokenJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private job?: PeriodicJob;

  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly revocations: RevocationService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.tokenPurgeIntervalSeconds * 1000;
    this.job = new PeriodicJob(() => this.run(), {
      firstDelayMs: Math.min(FIRST_RUN_MS, intervalMs),
      intervalMs,
      onError: (err) => this.logger.warn({ err: (err as Error).message }, 'token purge failed'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.job?.stop();
  }

  /**
   * One purge, batch by batch until nothing is left: how many rows of each
   * table went (none, and `skipped`, while another instance purges).
   */
  async run(): Promise<{ refreshTokens: number; revocations: number; skipped: boolean }> {
    const refreshTokens = await this.drain((n, q) => this.refreshTokens.deleteExpired(n, q));
    const revocations =
      refreshTokens === undefined ? undefined : await this.drain((n, q) => this.revocations.deleteExpired(n, q));
    const counts = { refreshTokens: refreshTokens ?? 0, revocations: revocations ?? 0 };
    if (counts.refreshTokens + counts.revocations > 0)
      this.logger.info(
        { refresh_tokens: counts.refreshTokens, revocations: counts.revocations },
        'expired tokens purged',
      );
    return { ...counts, skipped: revocations === undefined };
  }

  /** Deletes batch after batch, each under the fleet's purge lock; undefined when another instance holds it. */
  private async drain(deleteBatch: (limit: number, q: Queryable) => Promise<number>): Promise<number | undefined> {
    let total = 0;
    for (;;) {
      const n = await this.db.transaction(async (tx) => {
        const [lock] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
          PURGE_LOCK,
        ]);
        return lock.locked ? deleteBatch(BATCH, tx) : undefined;
      });
      if (n === undefined) return total > 0 ? total : undefined;
      total += n;
      if (n < BATCH || this.job?.stopping) return total;
    }
  }
}
