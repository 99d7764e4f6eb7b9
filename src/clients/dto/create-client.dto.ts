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

  @ApiPropertyOptional({
    type: [String],
    default: [],
    example: ['k3Jx9QvTnR2bLwA8yZc5dE'],
    description: 'With the token-exchange grant: the client_ids (existing clients) this client may exchange tokens for',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @Matches(/^[\x21-\x7E]{1,128}$/, {
    each: true,
    message: 'each value in token_exchange_audiences must be a client_id',
  })
  token_exchange_audiences?: string[];
}
