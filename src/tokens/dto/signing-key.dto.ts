import { ApiProperty } from '@nestjs/swagger';
import { SIGNING_ALGORITHMS, SigningAlgorithm } from '../../config/app-config';

/** Public metadata of a signing key; its private part never leaves the service. */
export class SigningKeyDto {
  @ApiProperty({ description: 'Key id, as in the JWT header and JWKS' })
  kid: string;

  @ApiProperty({ enum: SIGNING_ALGORITHMS })
  alg: SigningAlgorithm;

  @ApiProperty({ enum: ['active', 'retiring'], description: 'active signs new tokens; retiring only verifies until its last token expired' })
  state: 'active' | 'retiring';

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}
