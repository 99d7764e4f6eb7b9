import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';

/** A seq in a query string: a non-negative integer that a JS number holds exactly. */
const SEQ = /^\d{1,15}$/;

/** GET /v1/audit-events/verify: an inclusive seq range. */
export class AuditVerifyQueryDto {
  @ApiPropertyOptional({ description: 'First seq to check (default: the first retained row)', example: '1' })
  @IsOptional()
  @IsString()
  @Matches(SEQ, { message: 'from_seq must be a non-negative integer' })
  from_seq?: string;

  @ApiPropertyOptional({ description: 'Last seq to check (default: the newest sealed row)' })
  @IsOptional()
  @IsString()
  @Matches(SEQ, { message: 'to_seq must be a non-negative integer' })
  to_seq?: string;
}

/** GET /v1/audit-events/export: resume after the last seq a shipper stored. */
export class AuditExportQueryDto {
  @ApiPropertyOptional({
    description: 'Export rows with a larger seq (default 0: from the first retained row)',
    example: '0',
  })
  @IsOptional()
  @IsString()
  @Matches(SEQ, { message: 'after_seq must be a non-negative integer' })
  after_seq?: string;
}
