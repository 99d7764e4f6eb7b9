import { Module } from '@nestjs/common';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { TokensModule } from '../tokens/tokens.module';
import { CallerAuthenticator } from './caller-auth.service';
import { IntrospectionController } from './introspection.controller';
import { IntrospectionService } from './introspection.service';

@Module({
  imports: [TokensModule, RevocationCoreModule],
  controllers: [IntrospectionController],
  providers: [CallerAuthenticator, IntrospectionService],
  exports: [CallerAuthenticator],
})
export class IntrospectionModule {}
