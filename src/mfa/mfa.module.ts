import { Module } from '@nestjs/common';
import { MfaSecrets } from './mfa-secrets.service';
import { MfaRepository } from './mfa.repository';
import { TotpEnrolmentController } from './totp-enrolment.controller';
import { TotpEnrolment } from './totp-enrolment.service';
import { TotpVerifier } from './totp-verifier.service';

/** TOTP: login verification (used by the password grant) and self-service enrolment. */
@Module({
  controllers: [TotpEnrolmentController],
  providers: [MfaSecrets, TotpVerifier, MfaRepository, TotpEnrolment],
  exports: [MfaSecrets, TotpVerifier],
})
export class MfaModule {}
