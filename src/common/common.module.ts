import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ApiKeyStrategy } from './auth/api-key.strategy';
import { AuthGuard } from './auth/auth.guard';
import { BearerStrategy } from './auth/bearer.strategy';
import { Authenticators } from './auth/authenticators';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { createValidationPipe } from './http/validation.pipe';

@Global()
@Module({
  providers: [
    Authenticators,
    BearerStrategy,
    ApiKeyStrategy,
    // Global guards run in the order they are registered: authentication and permissions
    // first (deny by default), then rate limits, which key /v1 budgets by the principal the
    // AuthGuard established. RateLimitGuard comes from the global RateLimitModule. (IPs out of
    // failed-authentication budget are refused earlier still, by RateLimitHook, a preHandler.)
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [Authenticators],
})
export class CommonModule {}
