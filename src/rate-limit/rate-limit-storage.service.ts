import { Inject, Injectable } from '@nestjs/common';
import { sha256Hex } from '../common/crypto/secrets';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { MemoryRateLimitStore } from './memory-rate-limit.store';
import { RedisConnection } from './redis-connection.service';
import { RedisRateLimitStore } from './redis-rate-limit.store';
import { RateLimitRecord, RateLimitStore } from './rate-limit-store';

const RETRY_REDIS_AFTER_MS = 1_000;

/**
 * The ThrottlerStorage of the service: Redis when REDIS_URL is set (one
 * budget for the fleet), else per-instance memory.
 *
 * Redis outage policy, the same for every route group: neither fail open
 * (no limit at all: brute force on /oauth/token the moment Redis blinks)
 * nor fail closed (every login, admin call and introspection refused: an
 * outage of the whole service caused by an optional dependency). Each
 * instance falls back to its own memory store, so every limit still holds
 * per instance (at most N x the budget across N instances), with a warning
 * on each transition and a counter (auth_rate_limit_store_fallbacks_total)
 * per decision taken without Redis. Readiness reports Redis down meanwhile.
 * A disconnected Redis is skipped at once (no offline queue); a connected
 * but slow one costs at most one command timeout per second.
 */
@Injectable()
export class RateLimitStorage implements RateLimitStore {
  private readonly memory = new MemoryRateLimitStore();
  private readonly redis?: RedisRateLimitStore;
  private degraded = false;
  /**
   * After a failed command, Redis is skipped for a moment: a slow Redis costs one timeout per second, not one per
   * request.
   */
  private skipRedisUntil = 0;

  constructor(
    config: AppConfig,
    private readonly connection: RedisConnection,
    private readonly metrics: MetricsService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {
    if (connection.client) {
      // Instances of one deployment share ISSUER (their tokens must verify everywhere), so it
      // names the deployment: two deployments on one Redis never share budgets.
      this.redis = new RedisRateLimitStore(connection.client, `auth:rl:${sha256Hex(config.issuer).slice(0, 12)}:`);
    }
  }

  increment(
    key: string,
    ttlMs: number,
    limit: number,
    blockMs: number,
    throttlerName: string,
  ): Promise<RateLimitRecord> {
    return this.run((store) => store.increment(key, ttlMs, limit, blockMs, throttlerName));
  }

  blockedFor(key: string): Promise<number> {
    return this.run((store) => store.blockedFor(key));
  }

  /** True while decisions come from the per-instance fallback although Redis is configured. */
  isDegraded(): boolean {
    return this.degraded;
  }

  private async run<T>(op: (store: RateLimitStore) => Promise<T>): Promise<T> {
    if (!this.redis) return op(this.memory);
    if (this.connection.isReady() && Date.now() >= this.skipRedisUntil) {
      try {
        const result = await op(this.redis);
        this.recovered();
        return result;
      } catch (err) {
        this.skipRedisUntil = Date.now() + RETRY_REDIS_AFTER_MS;
        this.degrade(err);
      }
    } else {
      this.degrade(undefined);
    }
    this.metrics.rateLimitStoreFallbacks.inc();
    return op(this.memory);
  }

  private degrade(err: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(
      { err: err instanceof Error ? err.message : undefined },
      'Redis unavailable: rate limits fall back to per-instance memory until it answers again',
    );
  }

  private recovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.warn('Redis answers again: rate limits are shared across instances again');
  }
}
