import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { ApiKeyEvents } from './api-key-events';
import { ApiKeysRepository } from './api-keys.repository';
import { UsageTracker } from './usage-tracker';

/** Under the contract's 5 s for a first use, with room for the write itself. */
const FLUSH_INTERVAL_MS = 2_000;
const REFRESH_INTERVAL_MS = 60_000;

/**
 * `last_used_at` without a write per request: uses are tracked in memory and
 * written in batches (one UPDATE per flush) by an unref'd timer, so it never
 * keeps the process alive; what is pending is written at shutdown. Uses
 * arrive as the verifier's `used` events: the guard never writes.
 */
@Injectable()
export class ApiKeyUsage implements OnModuleInit, BeforeApplicationShutdown {
  private readonly tracker = new UsageTracker(REFRESH_INTERVAL_MS);
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly events: ApiKeyEvents,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onModuleInit(): void {
    this.events.onUsed((use) => this.touch(use.id, use.knownLastUsed));
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushing;
    await this.flush(true);
  }

  touch(id: string, knownLastUsed: number | null): void {
    this.tracker.touch(id, knownLastUsed);
  }

  /** Writes what is due (everything pending when `all`). Never throws: a failed batch is retried. */
  flush(all = false): Promise<void> {
    if (this.flushing) return this.flushing;
    const due = this.tracker.take(Date.now(), all);
    if (due.length === 0) return Promise.resolve();
    this.flushing = this.repo
      .writeLastUsed(
        due.map((d) => d.id),
        due.map((d) => d.at),
      )
      .catch((err: unknown) => {
        this.tracker.restore(due);
        this.logger.warn(
          { err: (err as Error).message, keys: due.length },
          'api key last_used_at flush failed; will retry',
        );
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }
}
