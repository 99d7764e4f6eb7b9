import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class RotateSigningKeyDto {
  @ApiPropertyOptional({
    description:
      'Seconds between publishing the new key in JWKS and signing with it (default SIGNING_KEY_ACTIVATION_SECONDS; ' +
      '0: at once, for a compromised key)',
    minimum: 0,
    maximum: 86_400,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400)
  activate_in_seconds?: number;
}
