import { AuthKitError } from './auth-kit-error';

/**
 * The revocation feed has been unreachable longer than `revocation.staleAfterMs` and the
 * kit is configured to fail closed: it cannot tell whether a valid-looking JWT was revoked.
 */
export class FeedStaleError extends AuthKitError {
  readonly code = 'revocation_feed_stale';
  readonly status = 503;
}
