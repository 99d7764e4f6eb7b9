import { Module } from '@nestjs/common';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { TokensModule } from '../tokens/tokens.module';
import { CallerAuthenticator } from './caller-auth.service';
import { IntrospectionRoute } from './introspection.route';
import { IntrospectionService } from './introspection.service';

@Module({
  imports: [TokensModule, RevocationCoreModule],
  providers: [CallerAuthenticator, IntrospectionService, IntrospectionRoute],
  exports: [CallerAuthenticator],
})
export class IntrospectionModule {}
