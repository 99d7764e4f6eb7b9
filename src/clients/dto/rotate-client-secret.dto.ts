import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Seven days: long enough to redeploy every consumer, short enough that a leaked old secret dies. */
export const MAX_SECRET_GRACE_SECONDS = 7 * 86_400;

export class RotateClientSecretDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_SECRET_GRACE_SECONDS,
    default: 0,
    description: 'How long the old secret keeps working',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SECRET_GRACE_SECONDS)
  grace_seconds?: number;
}
