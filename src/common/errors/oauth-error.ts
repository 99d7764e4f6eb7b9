export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'mfa_required'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'rate_limited'
  | 'temporarily_unavailable'
  | 'not_found'
  | 'server_error';

/**
 * Fixed public descriptions: the caller learns the category, never the
 * reason (which goes to the log and the audit row). invalid_grant in
 * particular reads the same for unknown user, wrong password, disabled and
 * locked account, so the answer does not enumerate users.
 */
const PUBLIC: Record<OAuthErrorCode, { status: number; description: string }> = {
  invalid_request: { status: 400, description: 'The request is missing a parameter or is otherwise malformed.' },
  invalid_client: { status: 401, description: 'Client authentication failed.' },
  invalid_grant: { status: 400, description: 'The provided credentials or grant are invalid, expired or revoked.' },
  unauthorized_client: { status: 400, description: 'The client is not allowed to use this grant type.' },
  unsupported_grant_type: { status: 400, description: 'The grant type is not supported.' },
  invalid_scope: { status: 400, description: 'The requested scope is invalid or exceeds what the principal holds.' },
  invalid_target: { status: 400, description: 'The requested audience is unknown or not allowed for this client.' },
  mfa_required: { status: 403, description: 'A one-time password (otp) is required for this account.' },
  insufficient_scope: { status: 403, description: 'The caller lacks the permission this endpoint requires.' },
  unsupported_token_type: { status: 400, description: 'The token type is not supported.' },
  rate_limited: { status: 429, description: 'Too many requests; retry later.' },
  temporarily_unavailable: { status: 503, description: 'The service cannot answer reliably right now; retry later.' },
  not_found: { status: 404, description: 'No such endpoint.' },
  server_error: { status: 500, description: 'The server encountered an unexpected condition.' },
};

/** An RFC 6749 §5.2 error. `reason` is internal: logged and audited, never sent. */
export class OAuthError extends Error {
  readonly status: number;
  readonly description: string;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: OAuthErrorCode,
    readonly reason: string = code,
    options: { headers?: Record<string, string>; description?: string } = {},
  ) {
    super(`${code}: ${reason}`);
    this.name = 'OAuthError';
    this.status = PUBLIC[code].status;
    this.description = options.description ?? PUBLIC[code].description;
    this.headers = options.headers ?? {};
  }

  static forStatus(status: number): OAuthErrorCode {
    if (status === 401) return 'invalid_client';
    if (status === 403) return 'insufficient_scope';
    if (status === 404) return 'not_found';
    if (status === 429) return 'rate_limited';
    if (status === 503) return 'temporarily_unavailable';
    if (status >= 500) return 'server_error';
    return 'invalid_request';
  }

  static publicDescription(code: OAuthErrorCode): string {
    return PUBLIC[code].description;
  }
}
