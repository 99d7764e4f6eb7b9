import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Longest rotation grace: 30 days. */
export const MAX_GRACE_SECONDS = 30 * 86_400;

export class RotateApiKeyDto {
  @ApiPropertyOptional({
    description: 'How long the old key keeps working (0: it stops at once)',
    minimum: 0,
    maximum: MAX_GRACE_SECONDS,
    default: 0,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  grace_seconds?: number;
}
