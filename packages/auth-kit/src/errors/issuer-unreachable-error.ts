import { AuthKitError } from './auth-kit-error';

/** The auth service could not be reached or answered 5xx after every retry. Transient: answer 503. */
export class IssuerUnreachableError extends AuthKitError {
  readonly code = 'issuer_unreachable';
  readonly status = 503;
}
