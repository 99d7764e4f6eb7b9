import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NoControlChars } from '../../common/http/validators';
import { PERMISSION_NAME } from '../rbac-names';

export class CreatePermissionDto {
  @ApiProperty({ pattern: PERMISSION_NAME.source, example: 'kafka:create', description: '`resource:action`' })
  @IsString()
  @Matches(PERMISSION_NAME, {
    message: 'name must be resource:action (lower-case letters, digits, _ and -, each part 1 to 64)',
  })
  name: string;

  @ApiPropertyOptional({ maxLength: 500, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @NoControlChars()
  description?: string;
}
