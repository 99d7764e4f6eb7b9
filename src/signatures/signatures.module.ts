import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { IntrospectionModule } from '../introspection/introspection.module';
import { RbacModule } from '../rbac/rbac.module';
import { NonceRegistry } from './nonce-registry.service';
import { SignatureVerifier } from './signature-verifier.service';
import { SignaturesVerifyController } from './signatures-verify.controller';
import { SigningSecretKeys } from './signing-secret-keys.service';
import { SigningSecretsController } from './signing-secrets.controller';
import { SigningSecretsRepository } from './signing-secrets.repository';
import { SigningSecretsService } from './signing-secrets.service';

/** RFC 9421 signed requests: clients' signing secrets and the verification endpoint (DESIGN.md decision 13). */
@Module({
  imports: [ClientsModule, RbacModule, IntrospectionModule],
  controllers: [SigningSecretsController, SignaturesVerifyController],
  providers: [SigningSecretsRepository, SigningSecretKeys, SigningSecretsService, NonceRegistry, SignatureVerifier],
})
export class SignaturesModule {}
