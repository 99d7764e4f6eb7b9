import { Module } from '@nestjs/common';
import { RevocationCoreModule } from '../revocation/revocation-core.module';
import { AccessTokenVerifier } from './access-token-verifier.service';
import { AccessTokens } from './access-tokens.service';
import { BearerPrincipals } from './bearer-authenticator.service';
import { JwksController } from './jwks.controller';
import { KeyRing } from './key-ring.service';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RefreshTokens } from './refresh-tokens.service';
import { SigningKeyListing } from './signing-key-listing.service';
import { SigningKeyRotation } from './signing-key-rotation.service';
import { SigningKeyWithdrawal } from './signing-key-withdrawal.service';
import { SigningKeysController } from './signing-keys.controller';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningPool } from './signing-pool.service';
import { TokenJanitor } from './token-janitor.service';

@Module({
  imports: [RevocationCoreModule],
  controllers: [JwksController, SigningKeysController],
  providers: [
    SigningKeysRepository,
    KeyRing,
    SigningKeyRotation,
    SigningKeyWithdrawal,
    SigningKeyListing,
    SigningPool,
    AccessTokens,
    AccessTokenVerifier,
    BearerPrincipals,
    RefreshTokensRepository,
    RefreshTokens,
    TokenJanitor,
  ],
  exports: [KeyRing, AccessTokens, AccessTokenVerifier, BearerPrincipals, RefreshTokensRepository, RefreshTokens],
})
export class TokensModule {}
