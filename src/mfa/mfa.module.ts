import { Module } from '@nestjs/common';
import { MfaSecrets } from './mfa-secrets.service';
import { TotpVerifier } from './totp-verifier.service';

@Module({
  providers: [MfaSecrets, TotpVerifier],
  exports: [MfaSecrets, TotpVerifier],
})
export class MfaModule {}
