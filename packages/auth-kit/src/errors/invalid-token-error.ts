import { AuthKitError } from './auth-kit-error';

/**
 * The credential is missing, malformed, expired, revoked, or not for us.
 * `missing` distinguishes "no credential" (RFC 6750 §3.1: no error code in the challenge).
 * The message is generic on purpose; `reason` is for logs only.
 */
export class InvalidTokenError extends AuthKitError {
  readonly code = 'invalid_token';
  readonly status = 401;

  constructor(
    readonly reason: string,
    readonly missing = false,
  ) {
    super(missing ? 'authentication required' : 'the access token is invalid');
  }
}
