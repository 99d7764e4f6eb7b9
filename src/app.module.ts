import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { ClientsModule } from './clients/clients.module';
import { AuthGuard } from './common/auth/auth.guard';
import { CommonModule } from './common/common.module';
import { LoggingModule } from './common/logging/logging.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { Runtime } from './config/runtime';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IntrospectionModule } from './introspection/introspection.module';
import { MfaModule } from './mfa/mfa.module';
import { OAuthModule } from './oauth/oauth.module';
import { RevokeModule } from './oauth/revoke.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RbacModule } from './rbac/rbac.module';
import { RevocationCoreModule } from './revocation/revocation-core.module';
import { SignaturesModule } from './signatures/signatures.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static register(config: AppConfig, runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, runtime),
        LoggingModule,
        DatabaseModule,
        CommonModule,
        AuditModule,
        HealthModule,
        RateLimitModule,
        RbacModule,
        RevocationCoreModule,
        UsersModule,
        ClientsModule,
        TokensModule,
        OAuthModule,
        IntrospectionModule,
        RevokeModule,
        ApiKeysModule,
        MfaModule,
        SignaturesModule,
      ],
      providers: [
        // Global guards run in the order they are registered: authentication and permissions
        // first (deny by default), then rate limits, which key /v1 budgets by the principal the
        // AuthGuard established. (IPs out of failed-authentication budget are refused earlier
        // still, by RateLimitHook, a preHandler.) Registered here, in the composition root,
        // because common/ may not import the rate-limit feature.
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useExisting: RateLimitGuard },
      ],
    };
  }
}
