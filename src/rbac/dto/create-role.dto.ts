import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NoControlChars } from '../../common/http/validators';
import { ROLE_NAME } from '../rbac-names';
import { MAX_ROLE_PERMISSIONS, PermissionNames } from './permission-names-field';

export class CreateRoleDto {
  @ApiProperty({ pattern: ROLE_NAME.source, example: 'kafka-producer' })
  @IsString()
  @Matches(ROLE_NAME, { message: 'name must start with a lower-case letter and hold 1 to 64 of a-z, 0-9, _ and -' })
  name: string;

  @ApiPropertyOptional({ maxLength: 500, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @NoControlChars()
  description?: string;

  @ApiProperty({
    type: [String],
    maxItems: MAX_ROLE_PERMISSIONS,
    example: ['kafka:create'],
    description: 'Existing permissions, all held by the caller',
  })
  @PermissionNames()
  permissions: string[];
}
