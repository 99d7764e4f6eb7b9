import { InvalidTokenError } from '../errors';
import { RevocationSubject } from './revocation-set';
import { Principal } from './types';

const scopes = (v: unknown): string[] => (typeof v === 'string' ? v.split(' ').filter(Boolean) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function actor(v: unknown): { sub: string } | undefined {
  const sub = v && typeof v === 'object' ? (v as { sub?: unknown }).sub : undefined;
  return typeof sub === 'string' ? (v as { sub: string }) : undefined;
}

/** From verified JWT claims: permissions are the token's `scope` (DESIGN decision 10). */
export function principalFromClaims(claims: Record<string, unknown>, token: string): Principal {
  return {
    kind: 'jwt',
    subject: String(claims.sub),
    clientId: str(claims.client_id),
    username: str(claims.username),
    permissions: scopes(claims.scope),
    roles: strings(claims.roles),
    actor: actor(claims.act),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
    token,
    claims,
  };
}

/** From an active RFC 7662 answer. Access tokens must still name our audience. */
export function principalFromIntrospection(answer: Record<string, unknown>, audience: string | string[]): Principal {
  const isKey = answer.token_type === 'api_key';
  if (!isKey && answer.aud !== undefined) {
    const aud = Array.isArray(answer.aud) ? answer.aud : [answer.aud];
    const ours = Array.isArray(audience) ? audience : [audience];
    if (!aud.some((a) => ours.includes(a))) throw new InvalidTokenError('introspected token is for another audience');
  }
  return {
    kind: isKey ? 'api_key' : 'opaque',
    subject: String(answer.sub ?? ''),
    clientId: str(answer.client_id) ?? (answer.owner_type === 'client' ? str(answer.owner_id) : undefined),
    username: str(answer.username),
    permissions: scopes(answer.scope),
    roles: strings(answer.roles),
    actor: actor(answer.act),
    expiresAt: typeof answer.exp === 'number' ? answer.exp : undefined,
    claims: answer,
  };
}

/** What a verified JWT is checked against in the revocation set (its signing key included). */
export function revocationSubject(claims: Record<string, unknown>, kid: string | undefined): RevocationSubject {
  return { jti: str(claims.jti), sid: str(claims.sid), sub: str(claims.sub), iat: num(claims.iat), kid };
}
