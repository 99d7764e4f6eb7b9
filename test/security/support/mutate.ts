import fc from 'fast-check';
import { b64url, encodePart } from './jwt-forge';

/**
 * Mutations of real credentials that are guaranteed to break them: every
 * edit changes the decoded bytes (no edit of a segment's last base64url
 * character, whose low bits may be unused), so a mutated credential that
 * still works is a real finding, not luck.
 */
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Indexes whose character can be changed safely: not a '.', not the last of a segment. */
function editable(token: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < token.length - 1; i++) if (token[i] !== '.' && token[i + 1] !== '.') out.push(i);
  return out;
}

function flip(token: string, pick: number, to: number): string {
  const spots = editable(token);
  if (spots.length === 0) return `${token}x`;
  const i = spots[pick % spots.length];
  let c = B64[to % B64.length];
  if (c === token[i]) c = B64[(to + 1) % B64.length];
  return token.slice(0, i) + c + token.slice(i + 1);
}

/** One broken variant of `token` (a JWT, an API key or a refresh token). */
export function mutatedCredential(token: string): fc.Arbitrary<string> {
  const parts = token.split('.');
  const jwt = parts.length === 3;
  const variants: fc.Arbitrary<string>[] = [
    fc.tuple(fc.nat(), fc.nat()).map(([p, t]) => flip(token, p, t)),
    fc.integer({ min: 1, max: 40 }).map((n) => token.slice(0, Math.max(0, token.length - n))),
    fc.string({ minLength: 1, maxLength: 8 }).map((s) => `${token}${s.replace(/[^\x21-\x7e]/g, 'A')}`),
    fc.constant(token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()),
    fc.constant(` ${token}x`),
  ];
  if (jwt) {
    const [h, p, s] = parts;
    const elevated = { scope: 'users:write roles:write signing_keys:write', roles: ['admin'] };
    variants.push(
      fc.constant(`${p}.${h}.${s}`),
      fc.constant(`${h}.${p}.`),
      fc.constant(`${h}.${p}.${s}.${s}`),
      fc.constant(`${b64url('{"alg":"none","typ":"at+jwt"}')}.${p}.`),
      fc.constant(`${h}.${encodePart({ ...decode(p), ...elevated })}.${s}`),
    );
  }
  return fc.oneof(...variants);
}

function decode(part: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** A JWT-shaped string with random header, payload and signature. */
export function randomJwt(): fc.Arbitrary<string> {
  const obj = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 });
  const headers = fc.oneof(
    obj,
    fc.constantFrom(
      { alg: 'none', typ: 'at+jwt' },
      { alg: 'HS256', typ: 'at+jwt', kid: '../../dev/null' },
      { alg: 'RS256', typ: 'JWT' },
    ),
  );
  return fc
    .tuple(headers, obj, fc.uint8Array({ maxLength: 300 }))
    .map(([h, p, s]) => `${encodePart(h)}.${encodePart(p)}.${b64url(Buffer.from(s))}`);
}
