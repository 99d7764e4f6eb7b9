import { Module } from '@nestjs/common';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { TokensModule } from '../tokens/tokens.module';
import { IntrospectionService } from './introspection.service';

/** RFC 7662 answers; the endpoint is IntrospectAction on the protocol edge (oauth/). */
@Module({
  imports: [TokensModule, RevocationCoreModule],
  providers: [IntrospectionService],
  exports: [IntrospectionService],
})
export class IntrospectionModule {}
