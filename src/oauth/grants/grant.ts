import type { ClientRecord, GrantType } from '../../clients/client.types';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** RFC 8693 responses only. */
  issued_token_type?: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

export interface GrantRequest {
  client: ClientRecord;
  params: Record<string, string>;
  /** The client authenticated with this certificate (RFC 8705): access tokens carry it as `cnf.x5t#S256`. */
  certificateThumbprint?: string;
}

/** One file per grant: its type, the parameters it requires, and its handler. */
export interface GrantHandler {
  readonly grantType: GrantType;
  readonly requiredParams: readonly string[];
  handle(request: GrantRequest): Promise<TokenResponse>;
}

export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');
