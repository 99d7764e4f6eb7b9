import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { HealthService } from '../health/health.service';

const CONNECT_WAIT_MS = 1_500;

/**
 * The optional Redis connection (REDIS_URL) behind the shared rate limits.
 *
 * Tuned so that Redis trouble never stalls a request: no offline queue
 * (a command while disconnected fails at once instead of waiting), short
 * connect and command timeouts, reconnection in the background. Callers
 * treat any failure as "Redis unavailable" and fall back (RateLimitStorage).
 * Start-up waits briefly for the first connection, so a healthy fleet
 * shares budgets from its first request, but never fails because of Redis.
 * The URL may hold a password: it is never logged.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  readonly client?: Redis;

  constructor(
    config: AppConfig,
    private readonly health: HealthService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {
    if (!config.redisUrl) return;
    this.client = new Redis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1_000,
      commandTimeout: 500,
      connectionName: 'auth-rate-limit',
      retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 5_000),
    });
    // Without a listener ioredis prints every connection error; the storage logs state changes instead.
    this.client.on('error', () => undefined);
  }

  isReady(): boolean {
    return this.client?.status === 'ready';
  }

  async onModuleInit(): Promise<void> {
    const client = this.client;
    if (!client) return;
    // Readiness (API.md): Redis must answer when it is configured.
    this.health.addProbe(async () => client.status === 'ready' && (await client.ping()) === 'PONG');
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, CONNECT_WAIT_MS).unref());
    const connected = client.connect().then(
      () => this.logger.info('rate limits shared through Redis'),
      (err: unknown) =>
        this.logger.warn(
          { err: err instanceof Error ? err.message : 'unknown' },
          'Redis unreachable at start: rate limits are per instance until it answers',
        ),
    );
    await Promise.race([connected, timeout]);
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }
}
