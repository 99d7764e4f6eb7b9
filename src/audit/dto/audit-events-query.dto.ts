import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { NoControlChars } from '../../common/http/validators';
import { IsRfc3339DateTime } from '../rfc3339';

/** Filters of GET /v1/audit-events; every one is an exact match except the time bounds (both inclusive). */
export class AuditEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'user.login' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'event_type must be 1 to 100 of letters, digits, _ . : -' })
  event_type?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure'] })
  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: 'success' | 'failure';

  @ApiPropertyOptional({ description: 'A user id, client_id or API key id' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlChars()
  actor_id?: string;

  @ApiPropertyOptional({ description: 'The id of the object the event is about' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NoControlChars()
  subject_id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339; events at or after this instant' })
  @IsOptional()
  @IsRfc3339DateTime()
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'RFC 3339; events at or before this instant' })
  @IsOptional()
  @IsRfc3339DateTime()
  until?: string;
}
