import { OAuthError } from '../../common/errors/oauth-error';
import type { Caller } from '../edge/edge.types';

const INT8_MAX = 9_223_372_036_854_775_807n;
const DIGITS = /^\d{1,19}$/;
export const MAX_FEED_PAGE = 1_000;

/** A cursor as the client sent it, or invalid_request (never a SQL cast error). */
export function cursorParam(value: string | string[] | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !DIGITS.test(value) || BigInt(value) > INT8_MAX) {
    throw new OAuthError('invalid_request', `${name} is not a cursor`);
  }
  return BigInt(value).toString();
}

export function limitParam(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const limit = /^\d{1,4}$/.test(value) ? Number(value) : 0;
  if (limit < 1 || limit > MAX_FEED_PAGE) throw new OAuthError('invalid_request', 'limit out of range');
  return limit;
}

/** The feed's caller: as on introspection (API.md "Revocation feed"), holding tokens:introspect. */
export function assertFeedReader(caller: Caller): void {
  if (caller.kind !== 'principal' || caller.publicClient) throw new OAuthError('invalid_client', 'not a caller');
  if (!caller.principal.permissions.has('tokens:introspect')) {
    throw new OAuthError('insufficient_scope', 'caller lacks tokens:introspect');
  }
}
