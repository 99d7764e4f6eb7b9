import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { RbacModule } from '../rbac/rbac.module';
import { NonceRegistry } from './nonce-registry.service';
import { SignatureVerifier } from './signature-verifier.service';
import { SigningSecretKeys } from './signing-secret-keys.service';
import { SigningSecretsController } from './signing-secrets.controller';
import { SigningSecretsRepository } from './signing-secrets.repository';
import { SigningSecretsService } from './signing-secrets.service';

/**
 * RFC 9421 signed requests (DESIGN.md decision 13): clients' signing secrets
 * and the verifier behind POST /oauth/signatures/verify (an action on the edge).
 */
@Module({
  imports: [ClientsModule, RbacModule],
  controllers: [SigningSecretsController],
  providers: [SigningSecretsRepository, SigningSecretKeys, SigningSecretsService, NonceRegistry, SignatureVerifier],
  exports: [SignatureVerifier],
})
export class SignaturesModule {}
