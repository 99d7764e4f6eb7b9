import { DynamicModule, Module } from '@nestjs/common';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { ClientsModule } from './clients/clients.module';
import { CommonModule } from './common/common.module';
import { LoggingModule } from './common/logging/logging.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IntrospectionModule } from './introspection/introspection.module';
import { MfaModule } from './mfa/mfa.module';
import { OAuthModule } from './oauth/oauth.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RbacModule } from './rbac/rbac.module';
import { RevocationCoreModule } from './revocation/revocation-core.module';
import { RevocationModule } from './revocation/revocation.module';
import { Runtime } from './runtime';
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
        RevocationModule,
        ApiKeysModule,
        MfaModule,
        SignaturesModule,
      ],
    };
  }
}
