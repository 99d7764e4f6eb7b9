import { Module } from '@nestjs/common';
import { IntrospectionModule } from '../introspection/introspection.module';
import { TokensModule } from '../tokens/tokens.module';
import { RevocationCoreModule } from './revocation-core.module';
import { RevokeController } from './revoke.controller';
import { RevokeService } from './revoke.service';

/** The RFC 7009 endpoint (the store and writer live in RevocationCoreModule). */
@Module({
  imports: [RevocationCoreModule, TokensModule, IntrospectionModule],
  controllers: [RevokeController],
  providers: [RevokeService],
})
export class RevocationModule {}
