import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
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
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [Authenticators],
})
export class CommonModule {}
