import { OAuthError } from '../common/errors/oauth-error';

/** RFC 6749 §3.3 scope-token characters. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function parseScope(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const tokens = raw.split(' ').filter((t) => t.length > 0);
  if (tokens.length === 0) return undefined;
  if (tokens.some((t) => !SCOPE_TOKEN.test(t) || t.length > 128) || tokens.length > 256) {
    throw new OAuthError('invalid_scope', 'malformed scope');
  }
  return [...new Set(tokens)];
}

/**
 * A token's scope is the requested scope intersected with what the principal
 * holds, or everything it holds when nothing was requested. Asking for a
 * permission not held is invalid_scope (the contract), not a silent drop.
 */
export function grantScope(requested: string[] | undefined, held: ReadonlySet<string>): string[] {
  if (requested === undefined) return [...held].sort();
  const missing = requested.filter((p) => !held.has(p));
  if (missing.length > 0) throw new OAuthError('invalid_scope', `scope not held: ${missing.join(' ')}`);
  return [...requested].sort();
}

export function formatScope(scope: readonly string[]): string {
  return scope.join(' ');
}

/**
 * Whether a token's scope narrows what the principal holds at issue: false
 * when the scope is all of it (no scope asked for, or every permission held
 * asked for). Such a token later counts the permissions its principal's
 * roles gain as held (API.md: an admin can use a permission it has just
 * created); a narrowed one stays narrowed.
 */
export function isNarrowed(scope: readonly string[], held: ReadonlySet<string>): boolean {
  const granted = new Set(scope);
  for (const p of held) if (!granted.has(p)) return true;
  return false;
}
