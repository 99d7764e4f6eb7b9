import { Module } from '@nestjs/common';
import { RbacModule } from '../rbac/rbac.module';
import { ClientAuthenticator } from './client-authenticator.service';
import { ClientStore } from './client-store.service';
import { BootstrapClient } from './bootstrap-client.service';
import { ClientsRepository } from './clients.repository';

@Module({
  imports: [RbacModule],
  providers: [ClientsRepository, ClientStore, ClientAuthenticator, BootstrapClient],
  exports: [ClientsRepository, ClientStore, ClientAuthenticator],
})
export class ClientsModule {}
