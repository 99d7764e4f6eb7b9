import { Global, Module } from '@nestjs/common';
import { getOptionsToken, getStorageToken } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { RateLimitGuard, throttlerOptions } from './rate-limit.guard';
import { RateLimitHook } from './rate-limit.hook';
import { RateLimitKeys } from './rate-limit-keys';
import { RateLimitRecorder } from './rate-limit.recorder';
import { RateLimitStorage } from './rate-limit-storage.service';
import { RedisConnection } from './redis-connection.service';

/**
 * Rate limits (DESIGN.md decision 8): @nestjs/throttler with our own
 * storage (memory, or Redis when REDIS_URL is set).
 * - RateLimitGuard is made global in AppModule, after the AuthGuard;
 * - RateLimitHook (Fastify preHandler, before every guard) and
 *   RateLimitRecorder (response observer) are wired in app.factory.
 */
@Global()
@Module({
  providers: [
    RateLimitKeys,
    { provide: getOptionsToken(), inject: [AppConfig, RateLimitKeys], useFactory: throttlerOptions },
    RedisConnection,
    RateLimitStorage,
    // ThrottlerGuard's constructor asks for this token: it is our storage.
    { provide: getStorageToken(), useExisting: RateLimitStorage },
    RateLimitGuard,
    RateLimitHook,
    RateLimitRecorder,
  ],
  exports: [RateLimitGuard, RateLimitHook, RateLimitRecorder, RateLimitStorage, RedisConnection],
})
export class RateLimitModule {}
