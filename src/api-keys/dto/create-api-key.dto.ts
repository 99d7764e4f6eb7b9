import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { NoControlChars } from '../../common/http/validators';
import { OWNER_TYPES, OwnerType } from '../api-key.types';

/** RFC 3339 date-time with an explicit offset: a bare local time would depend on the server's zone. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

export class CreateApiKeyDto {
  @ApiProperty({ description: 'Display name', minLength: 1, maxLength: 100, example: 'billing-sync' })
  @IsString()
  @Length(1, 100)
  @NoControlChars()
  name!: string;

  @ApiPropertyOptional({
    description:
      "Space-separated permissions; default: the owner's permissions (within the caller's). Never beyond either.",
    example: 'users:read audit:read',
    maxLength: 4096,
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @NoControlChars()
  scope?: string;

  @ApiPropertyOptional({
    description: 'RFC 3339 date-time in the future; absent: never expires',
    example: '2030-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsString()
  @Matches(RFC3339, { message: 'expires_at must be an RFC 3339 date-time with a time zone' })
  @IsISO8601({ strict: true })
  expires_at?: string;

  @ApiPropertyOptional({ enum: OWNER_TYPES, description: 'Default: the caller' })
  @IsOptional()
  @IsIn(OWNER_TYPES)
  owner_type?: OwnerType;

  @ApiPropertyOptional({ description: 'User id, or client id (row id or public client_id); requires owner_type' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(/^[\x21-\x7E]+$/, { message: 'owner_id must be printable ASCII without spaces' })
  owner_id?: string;
}
