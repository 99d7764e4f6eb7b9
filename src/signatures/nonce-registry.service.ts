import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { Database } from '../database/database.service';
import { RedisConnection } from '../rate-limit/redis-connection.service';
import { RedisSetBatch } from './redis-set-batch';

const PURGE_INTERVAL_MS = 60_000;
/** Kept a little past `expires`, so clock skew between instances cannot reopen a nonce. */
const MARGIN_SECONDS = 60;

/**
 * The nonces of signatures that verified, shared by every instance
 * (DESIGN.md decision 13): Redis `SET NX` with an expiry when REDIS_URL is
 * set, else a PostgreSQL table whose primary key makes "first time" atomic.
 * If Redis fails, the table answers instead: a nonce is never accepted
 * because the shared store was unreachable.
 */
@Injectable()
export class NonceRegistry implements OnModuleInit, OnApplicationShutdown {
  private purger?: NodeJS.Timeout;
  private readonly batch?: RedisSetBatch;

  constructor(
    private readonly db: Database,
    private readonly redis: RedisConnection,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {
    if (redis.client) this.batch = new RedisSetBatch(redis.client);
  }

  onModuleInit(): void {
    this.purger = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.purger.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purger);
  }

  /** True the first time (keyid, nonce) is presented; remembered until `expires` (+ a margin). */
  async firstUse(keyid: string, nonce: string, expires: number): Promise<boolean> {
    const until = expires + MARGIN_SECONDS;
    if (this.batch && this.redis.isReady()) {
      try {
        const key = `auth:sig-nonce:${createHash('sha256').update(`${keyid}\n${nonce}`).digest('base64url')}`;
        return await this.batch.setIfAbsent(key, until);
      } catch (err) {
        this.logger.warn(
          { err: err instanceof Error ? err.message : 'unknown' },
          'nonce registry: Redis failed, using PostgreSQL',
        );
      }
    }
    const rows = await this.db.query(
      `INSERT INTO signature_nonces (keyid, nonce, expires_at) VALUES ($1, $2, to_timestamp($3))
       ON CONFLICT (keyid, nonce) DO NOTHING RETURNING keyid`,
      [keyid, nonce, until],
    );
    return rows.length === 1;
  }

  private async purge(): Promise<void> {
    try {
      await this.db.query(`DELETE FROM signature_nonces WHERE expires_at < now()`);
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : 'unknown' }, 'nonce purge failed');
    }
  }
}
