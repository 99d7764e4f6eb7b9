import { AuthKitError } from './auth-kit-error';

/** Authenticated, but the token's scope lacks a required permission (RFC 6750 insufficient_scope). */
export class InsufficientPermissionError extends AuthKitError {
  readonly code = 'insufficient_scope';
  readonly status = 403;

  constructor(readonly required: readonly string[]) {
    super(`missing permission: ${required.join(' ')}`);
  }
}
