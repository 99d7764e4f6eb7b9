import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANT_TYPES, GrantType, TOKEN_ENDPOINT_AUTH_METHODS, TokenEndpointAuthMethod } from '../client.types';

/** A client as the admin API shows it: never a secret or a hash of one. */
export class ClientDto {
  @ApiProperty({ example: 'k3Jx9QvTnR2bLwA8yZc5dE' })
  client_id: string;

  @ApiProperty({ example: 'billing-service' })
  name: string;

  @ApiProperty()
  confidential: boolean;

  @ApiProperty({ enum: GRANT_TYPES, isArray: true })
  grant_types: GrantType[];

  @ApiProperty({ type: [String] })
  roles: string[];

  @ApiProperty({ type: [String], description: 'The client_ids it may exchange tokens for (RFC 8693 audience)' })
  token_exchange_audiences: string[];

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ enum: TOKEN_ENDPOINT_AUTH_METHODS })
  token_endpoint_auth_method: TokenEndpointAuthMethod;

  @ApiPropertyOptional()
  tls_client_auth_subject_dn?: string;

  @ApiPropertyOptional()
  tls_client_auth_san_dns?: string;

  @ApiPropertyOptional({ type: Object, description: 'Public keys only' })
  jwks?: { keys: Record<string, unknown>[] };
}
