import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { RevokeService } from './revoke.service';

/** RFC 7009 revocation (the store and writer live in RevocationCoreModule; the endpoint is on the oauth edge). */
@Module({
  imports: [RevocationCoreModule, TokensModule],
  providers: [RevokeService],
  exports: [RevokeService],
})
export class RevokeModule {}
