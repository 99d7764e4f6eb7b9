import { Module } from '@nestjs/common';
import { RbacModule } from '../rbac/rbac.module';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { ClientAuthenticator } from './client-authenticator.service';
import { ClientCertificates } from './client-certificates.service';
import { ClientStore } from './client-store.service';
import { BootstrapClient } from './bootstrap-client.service';
import { ClientsAdminController } from './clients-admin.controller';
import { ClientsAdminService } from './clients-admin.service';
import { ClientsRepository } from './clients.repository';

@Module({
  imports: [RbacModule, RevocationCoreModule],
  controllers: [ClientsAdminController],
  providers: [
    ClientsRepository,
    ClientStore,
    ClientAuthenticator,
    ClientCertificates,
    BootstrapClient,
    ClientsAdminService,
  ],
  exports: [ClientsRepository, ClientStore, ClientAuthenticator, ClientCertificates],
})
export class ClientsModule {}
