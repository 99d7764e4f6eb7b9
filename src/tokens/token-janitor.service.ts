import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicJob } from '../common/concurrency/periodic-job';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { RevocationService } from '../revocation/revocation.service';
import { RefreshTokensRepository } from './refresh-tokens.repository';

/** Rows per DELETE: each batch is its own short transaction, so no lock is held for long. */
const BATCH = 1_000;
/** After start, once the instance serves: a fleet restarting together does not purge in the same second. */
const FIRST_RUN_MS = 30_000;

/**
 * Deletes what has expired for good, as Hydra's janitor does, so the token
 * tables do not grow with every rotation forever: refresh tokens of families
 * past their absolute lifetime (every rotation leaves its consumed token
 * behind, for reuse detection) and revocation entries of tokens that have
 * expired. Shortly after start, then every TOKEN_PURGE_INTERVAL_SECONDS.
 * Every instance may run it: concurrent deletes of the same rows are
 * harmless.
 */
@Injectable()
export class TokenJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private job?: PeriodicJob;

  constructor(
    private readonly config: AppConfig,
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

  /** One purge, batch by batch until nothing is left: how many rows of each table went. */
  async run(): Promise<{ refreshTokens: number; revocations: number }> {
    const refreshTokens = await this.drain((n) => this.refreshTokens.deleteExpired(n));
    const revocations = await this.drain((n) => this.revocations.deleteExpired(n));
    if (refreshTokens + revocations > 0)
      this.logger.info({ refresh_tokens: refreshTokens, revocations }, 'expired tokens purged');
    return { refreshTokens, revocations };
  }

  private async drain(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await deleteBatch(BATCH);
      total += n;
      if (n < BATCH || this.job?.stopping) return total;
    }
  }
}
