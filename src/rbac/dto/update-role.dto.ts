import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { NoControlChars } from '../../common/http/validators';
import { MAX_ROLE_PERMISSIONS, PermissionNames } from './permission-names-field';

/** Only the fields present change; `permissions` replaces the whole set. */
export class UpdateRoleDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @NoControlChars()
  description?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_ROLE_PERMISSIONS,
    description: 'The complete new set; added permissions must be held by the caller',
  })
  @IsOptional()
  @PermissionNames()
  permissions?: string[];
}
