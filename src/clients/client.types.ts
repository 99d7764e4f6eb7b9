/** RFC 8693 token exchange. */
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export type GrantType = 'password' | 'refresh_token' | 'client_credentials' | typeof TOKEN_EXCHANGE;
export const GRANT_TYPES: readonly GrantType[] = ['password', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE];

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
}
