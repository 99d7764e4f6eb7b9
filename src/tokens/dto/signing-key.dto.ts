import { ApiProperty } from '@nestjs/swagger';
import { SIGNING_ALGORITHMS, SigningAlgorithm } from '../../config/app-config';
import type { SigningKeyState } from '../signing-key.types';

/** Public metadata of a signing key; its private part never leaves the service. */
export class SigningKeyDto {
  @ApiProperty({ description: 'Key id, as in the JWT header and JWKS' })
  kid: string;

  @ApiProperty({ enum: SIGNING_ALGORITHMS })
  alg: SigningAlgorithm;

  @ApiProperty({
    enum: ['next', 'active', 'retiring'],
    description:
      'next: published in JWKS, signs from activates_at; active: signs new tokens; ' +
      'retiring: only verifies until its last token expired',
  })
  state: SigningKeyState;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time', description: 'When the key starts (or started) signing' })
  activates_at: string;
}
