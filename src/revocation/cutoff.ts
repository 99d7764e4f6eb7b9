import { uuidTime } from '../common/crypto/time-ordered-id';

/** What a token says about when it was issued. */
export interface IssueTime {
  /** Exact issue time in ms, when the caller knows it (a refresh token's row). */
  issuedAtMs?: number;
  /** An access token's `jti`: a version 7 UUID carries the issue time in ms. */
  jti?: string;
  /** NumericDate seconds (RFC 7519): all an older token can tell. */
  iat?: number;
}

/**
 * The issue time of a token in ms, as exactly as the token tells it. A
 * token with only a whole-second `iat` is taken as issued at the start of
 * that second: compared with a cutoff inside the same second it counts as
 * issued before it, so the doubt goes against the token (fail closed).
 */
export function issuedAtMs(t: IssueTime): number | undefined {
  if (t.issuedAtMs !== undefined) return t.issuedAtMs;
  const fromJti = t.jti === undefined ? undefined : uuidTime(t.jti);
  if (fromJti !== undefined) return fromJti;
  return t.iat === undefined ? undefined : t.iat * 1000;
}

/**
 * A user cutoff (disable, erase) kills every token issued at or before it,
 * to the millisecond; a token issued after it (a login after a re-enable,
 * even within the same second) is not touched. A token that tells no issue
 * time at all is killed.
 */
export function cutOff(cutoffMs: number, token: IssueTime): boolean {
  const issued = issuedAtMs(token);
  return issued === undefined || issued <= cutoffMs;
}
