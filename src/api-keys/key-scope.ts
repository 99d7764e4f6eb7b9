import { ProblemError } from '../common/errors/problem-error';

/** RFC 6749 §3.3 scope-token characters: what a permission name may contain. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const MAX_TOKENS = 256;

/**
 * A key's requested scope as a sorted, de-duplicated list; undefined when
 * absent or blank (the default then applies, as for OAuth scope). Malformed
 * scope is a 400 here (a /v1 problem), not OAuth's invalid_scope.
 */
export function parseKeyScope(raw: string | null | undefined): string[] | undefined {
  // `"scope": null` passes @IsOptional(): it means "no scope asked for", like an absent field.
  if (raw === undefined || raw === null) return undefined;
  const tokens = raw.split(' ').filter((t) => t.length > 0);
  if (tokens.length === 0) return undefined;
  if (tokens.length > MAX_TOKENS || tokens.some((t) => !SCOPE_TOKEN.test(t))) {
    throw ProblemError.validation([{ field: 'scope', message: 'must be space-separated permission names' }]);
  }
  return [...new Set(tokens)].sort();
}

/** The permissions of `wanted` missing from `held`. */
export function notHeld(wanted: readonly string[], held: ReadonlySet<string>): string[] {
  return wanted.filter((p) => !held.has(p));
}
