import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import { NoControlChars } from '../../common/http/validators';
import { ROLE_NAME } from '../../rbac/rbac-names';
import { GRANT_TYPES, GrantType, TOKEN_ENDPOINT_AUTH_METHODS, TokenEndpointAuthMethod } from '../client.types';

export class CreateClientDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'billing-service' })
  @IsString()
  @Length(1, 200)
  @NoControlChars()
  name: string;

  @ApiProperty({
    description: 'Confidential clients authenticate with a secret; public clients (apps) cannot keep one',
  })
  @IsBoolean()
  confidential: boolean;

  @ApiProperty({
    enum: GRANT_TYPES,
    isArray: true,
    example: ['client_credentials'],
    description: 'client_credentials needs a confidential client',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(GRANT_TYPES.length * 2)
  @IsIn(GRANT_TYPES, { each: true })
  grant_types: GrantType[];

  @ApiPropertyOptional({
    type: [String],
    default: [],
    example: ['reader'],
    description: 'Roles for client_credentials tokens; you may only give permissions you hold',
  })
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

  @ApiPropertyOptional({
    enum: TOKEN_ENDPOINT_AUTH_METHODS,
    description:
      'Default client_secret_basic for confidential clients (client_secret_post is accepted alike), ' +
      'none for public ones. ' +
      'tls_client_auth and self_signed_tls_client_auth (RFC 8705) make a confidential client without a secret',
  })
  @IsOptional()
  @IsIn(TOKEN_ENDPOINT_AUTH_METHODS)
  token_endpoint_auth_method?: TokenEndpointAuthMethod;

  @ApiPropertyOptional({
    example: 'O=Fleet,CN=svc-a',
    description: 'tls_client_auth: the RFC 4514 subject DN (as `openssl x509 -nameopt RFC2253` prints it)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  @NoControlChars()
  tls_client_auth_subject_dn?: string;

  @ApiPropertyOptional({
    example: 'svc-a.internal',
    description: "tls_client_auth: a DNS name among the certificate's SANs",
  })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  tls_client_auth_san_dns?: string;

  @ApiPropertyOptional({
    type: Object,
    example: { keys: [{ kty: 'EC', crv: 'P-256', x: '...', y: '...' }] },
    description:
      'self_signed_tls_client_auth: the public keys (JWK Set) the client certificate may carry; no private members',
  })
  @IsOptional()
  @IsObject()
  jwks?: Record<string, unknown>;
}
