import { ApiProperty } from '@nestjs/swagger';

/** Shown once, to be entered in (or scanned into) an authenticator app. */
export class TotpEnrolmentDto {
  @ApiProperty({ description: 'Base32 TOTP secret (160 bits)', example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
  secret: string;

  @ApiProperty({ description: 'otpauth://totp/... URI for a QR code (SHA1, 6 digits, 30 s)' })
  otpauth_uri: string;
}
