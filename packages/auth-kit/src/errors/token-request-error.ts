import { AuthKitError } from './auth-kit-error';

/**
 * The token endpoint refused the request with a 4xx (RFC 6749 §5.2 error). Never retried:
 * a wrong secret or a forbidden audience does not fix itself.
 */
export class TokenRequestError extends AuthKitError {
  readonly code = 'token_request_failed';
  readonly status = 502;

  constructor(
    readonly httpStatus: number,
    readonly oauthError: string,
    readonly description?: string,
  ) {
    super(`token endpoint answered ${httpStatus} ${oauthError}${description ? `: ${description}` : ''}`);
  }
}
