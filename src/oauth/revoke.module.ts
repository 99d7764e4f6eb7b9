import { Module } from '@nestjs/common';
import { IntrospectionModule } from '../introspection/introspection.module';
import { TokensModule } from '../tokens/tokens.module';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { RevokeController } from './revoke.controller';
import { RevokeService } from './revoke.service';

/**
 * The RFC 7009 endpoint, an /oauth/* endpoint like the others. It sits in
 * oauth/, above tokens/ and introspection/ that it calls; revocation/ keeps
 * the store, the writer and the bus, which those modules themselves use.
 */
@Module({
  imports: [RevocationCoreModule, TokensModule, IntrospectionModule],
  controllers: [RevokeController],
  providers: [RevokeService],
})
export class RevokeModule {}
