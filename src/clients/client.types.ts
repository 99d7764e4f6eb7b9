export type GrantType = 'password' | 'refresh_token' | 'client_credentials';
export const GRANT_TYPES: readonly GrantType[] = ['password', 'refresh_token', 'client_credentials'];

/** A client as held in memory for authentication (secrets only as hashes). */
export interface ClientRecord {
  id: string;
  clientId: string;
  name: string;
  confidential: boolean;
  grantTypes: GrantType[];
  roles: string[];
  secretHash: Buffer | null;
  previousSecretHash: Buffer | null;
  previousSecretExpiresAt: Date | null;
  deleted: boolean;
}
