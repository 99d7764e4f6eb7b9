import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { NoControlChars } from '../../common/http/validators';
import { RoleNames } from './roles-field';

export class CreateUserDto {
  @ApiProperty({
    description: '1 to 64 letters (any script), digits or . _ - @; unique case-insensitively',
    example: 'alice',
  })
  @IsString()
  @MaxLength(256)
  @NoControlChars()
  username: string;

  @ApiProperty({
    description: '12 to 128 characters (PASSWORD_MIN_LENGTH), no control characters',
    format: 'password',
    writeOnly: true,
  })
  @IsString()
  password: string;

  @ApiPropertyOptional({ example: 'alice@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @NoControlChars()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({
    type: [String],
    default: ['user'],
    description: 'Role names; you may only assign permissions you hold',
  })
  @IsOptional()
  @RoleNames()
  roles?: string[];
}
