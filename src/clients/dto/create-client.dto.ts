import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { NoControlChars } from '../../common/http/validators';
import { ROLE_NAME } from '../../rbac/rbac-names';
import { GRANT_TYPES, GrantType } from '../client.types';

export class CreateClientDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'billing-service' })
  @IsString()
  @Length(1, 200)
  @NoControlChars()
  name: string;

  @ApiProperty({ description: 'Confidential clients authenticate with a secret; public clients (apps) cannot keep one' })
  @IsBoolean()
  confidential: boolean;

  @ApiProperty({ enum: GRANT_TYPES, isArray: true, example: ['client_credentials'], description: 'client_credentials needs a confidential client' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GRANT_TYPES.length * 2)
  @IsIn(GRANT_TYPES, { each: true })
  grant_types: GrantType[];

  @ApiPropertyOptional({ type: [String], default: [], example: ['reader'], description: 'Roles for client_credentials tokens; you may only give permissions you hold' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @Matches(ROLE_NAME, { each: true, message: 'each value in roles must be a role name' })
  roles?: string[];
}
