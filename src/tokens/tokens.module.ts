import { Module } from '@nestjs/common';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { AccessTokenVerifier } from './access-token-verifier.service';
import { AccessTokens } from './access-tokens.service';
import { BearerPrincipals } from './bearer-authenticator.service';
import { JwksController } from './jwks.controller';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RefreshTokens } from './refresh-tokens.service';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeys } from './signing-keys.service';

@Module({
  imports: [RevocationCoreModule],
  controllers: [JwksController, SigningKeysController],
  providers: [SigningKeys, AccessTokens, AccessTokenVerifier, BearerPrincipals, RefreshTokensRepository, RefreshTokens],
  exports: [SigningKeys, AccessTokens, AccessTokenVerifier, BearerPrincipals, RefreshTokensRepository, RefreshTokens],
})
export class TokensModule {}
