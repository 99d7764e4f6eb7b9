import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthKit } from '../core/auth-kit';
import { AuthKitOptions } from '../core/auth-kit-options';
import { AuthKitGuard } from './auth-kit.guard';
import { AUTH_KIT } from './tokens';

/** Starts the kit with the application (discovery, JWKS, revocation feed) and stops it with it. */
class AuthKitLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(AUTH_KIT) private readonly kit: AuthKit) {}

  onModuleInit(): Promise<void> {
    return this.kit.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.kit.close();
  }
}

@Global()
@Module({})
export class AuthKitModule {
  /** `AuthKitModule.forRoot({ issuer, audience, credentials })`: a global deny-by-default guard. */
  static forRoot(options: AuthKitOptions & { globalGuard?: boolean }): DynamicModule {
    const guard = options.globalGuard === false ? [] : [{ provide: APP_GUARD, useClass: AuthKitGuard }];
    return {
      module: AuthKitModule,
      providers: [
        { provide: AUTH_KIT, useFactory: () => new AuthKit(options) },
        AuthKitLifecycle,
        AuthKitGuard,
        ...guard,
      ],
      exports: [AUTH_KIT, AuthKitGuard],
    };
  }
}
