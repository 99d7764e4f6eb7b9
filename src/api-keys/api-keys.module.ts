import { Module } from '@nestjs/common';
import { RbacModule } from '../rbac/rbac.module';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { ApiKeyCache } from './api-key-cache.service';
import { ApiKeyEvents } from './api-key-events';
import { ApiKeyFailures } from './api-key-failures.service';
import { ApiKeyLifecycle } from './api-key-lifecycle.service';
import { ApiKeyOwnersRepository } from './api-key-owners.repository';
import { ApiKeyOwners } from './api-key-owners.service';
import { ApiKeyUsage } from './api-key-usage.service';
import { ApiKeyVerifier } from './api-key-verifier.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { OwnerPermissions } from './owner-permissions.service';

/** API keys: lifecycle (/v1/api-keys) and verification (registered on Authenticators). */
@Module({
  imports: [RbacModule, RevocationCoreModule],
  controllers: [ApiKeysController],
  providers: [
    ApiKeysRepository,
    ApiKeyOwnersRepository,
    ApiKeyOwners,
    OwnerPermissions,
    ApiKeysService,
    ApiKeyLifecycle,
    ApiKeyCache,
    ApiKeyEvents,
    ApiKeyUsage,
    ApiKeyFailures,
    ApiKeyVerifier,
  ],
  exports: [ApiKeyVerifier, ApiKeyCache],
})
export class ApiKeysModule {}
