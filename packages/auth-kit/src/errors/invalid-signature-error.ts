import { AuthKitError } from './auth-kit-error';

/**
 * An RFC 9421 signature was required and is missing, malformed, for another authority, over a
 * body that changed (Content-Digest mismatch), or refused by the auth service (wrong MAC, unknown
 * key, replayed nonce, expired). The message is generic on purpose; `reason` is for logs only.
 */
export class InvalidSignatureError extends AuthKitError {
  readonly code = 'invalid_signature';
  readonly status = 401;

  constructor(
    readonly reason: string,
    readonly missing = false,
  ) {
    super(missing ? 'a signed request is required' : 'the request signature is invalid');
  }
}
