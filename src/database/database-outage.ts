import { OAuthError } from '../common/errors/oauth-error';

/** Seconds a client is asked to wait when the database cannot be reached. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** Node socket errors and PostgreSQL classes 08 (connection), 53300 (too many connections), 57P0x (shutting down). */
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);
/** What node-postgres says when the socket went away or the pool could not connect in time. */
const MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection error|client was closed|not queryable/i;

/**
 * True for errors that say the database is unreachable, not that the query
 * was wrong: the caller answers 503 with Retry-After, never 500. TypeORM
 * wraps the driver's error in `driverError`.
 */
export function isDatabaseOutage(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 3; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/** An outage as the token endpoint reports it (RFC 6749 `temporarily_unavailable`); anything else unchanged. */
export function asOutage(err: unknown): unknown {
  if (!isDatabaseOutage(err)) return err;
  return new OAuthError('temporarily_unavailable', 'database_unreachable', {
    headers: { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) },
  });
}
