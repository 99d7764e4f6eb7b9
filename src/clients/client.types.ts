/** RFC 8693 token exchange. */
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export type GrantType = 'password' | 'refresh_token' | 'client_credentials' | typeof TOKEN_EXCHANGE;
export const GRANT_TYPES: readonly GrantType[] = ['password', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE];

import type { CertificateBinding } from './certificate-binding';

export type TokenEndpointAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'none' | 'tls_client_auth' | 'self_signed_tls_client_auth';
export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
  'tls_client_auth',
  'self_signed_tls_client_auth',
];

/** A client as held in memory for authentication (secrets only as hashes). */
export interface ClientRecord {
  id: string;
  clientId: string;
  name: string;
  confidential: boolean;
  grantTypes: GrantType[];
  roles: string[];
  /** The client_ids this client may exchange tokens for (RFC 8693 `audience`). */
  tokenExchangeAudiences: string[];
  secretHash: Buffer | null;
  previousSecretHash: Buffer | null;
  previousSecretExpiresAt: Date | null;
  deleted: boolean;
  /** Present for the RFC 8705 methods: such a client authenticates only by certificate. */
  certificate: CertificateBinding | null;
}
