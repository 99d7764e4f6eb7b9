import { apiKeyIntrospection } from './api-keys';
import { audit } from './audit';
import { revocationFanout } from './fanout';
import { revocationFeed } from './feed';
import { clientCredentials, refreshToken } from './grants';
import { introspectInvalid, introspectMany, introspectOne, introspectUnderLogin } from './introspection';
import { kitGuard } from './kit';
import { Part } from './part';
import { quietDatabase } from './quiet-db';
import { signatureVerification } from './signatures';
import { tlsIntrospection } from './tls';

/** In run order: the quiet-database check runs before instance B exists; fan-out last. */
export const PARTS: Part[] = [
  clientCredentials,
  refreshToken,
  introspectOne,
  introspectMany,
  introspectInvalid,
  introspectUnderLogin,
  apiKeyIntrospection,
  quietDatabase,
  revocationFanout,
  kitGuard,
  tlsIntrospection,
  signatureVerification,
  audit,
  revocationFeed,
];

/** Names for several parts at once in --only. */
export const GROUPS: Record<string, string[]> = {
  grants: ['cc', 'refresh'],
  introspect: ['intro-one', 'intro-many', 'intro-invalid', 'intro-under-login', 'apikey', 'no-db', 'fanout'],
};

export function selectParts(only: Set<string> | null): Part[] {
  if (!only) return PARTS;
  const wanted = new Set([...only].flatMap((name) => GROUPS[name] ?? [name]));
  const unknown = [...wanted].filter((id) => !PARTS.some((p) => p.id === id));
  if (unknown.length > 0) throw new Error(`unknown part(s): ${unknown.join(', ')} (see --list)`);
  return PARTS.filter((p) => wanted.has(p.id));
}
