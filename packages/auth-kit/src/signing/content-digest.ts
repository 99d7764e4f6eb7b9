import { createHash, timingSafeEqual } from 'node:crypto';
import { parseDictionary } from 'structured-headers';

/** RFC 9530 `Content-Digest` with `sha-256`, the only algorithm of the profile. */
export function contentDigest(body: Uint8Array | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/**
 * True when `header` carries a `sha-256` member equal to the digest of `body`. Other algorithms
 * are ignored (RFC 9530 §2 lets a sender add them); without a `sha-256` member the answer is false,
 * so a body can never pass on an algorithm we do not check.
 */
export function contentDigestMatches(header: string, body: Uint8Array | string): boolean {
  let members: ReturnType<typeof parseDictionary>;
  try {
    members = parseDictionary(header);
  } catch {
    return false;
  }
  const member = members.get('sha-256');
  const value = member?.[0];
  if (!(value instanceof ArrayBuffer)) return false;
  const expected = createHash('sha256').update(body).digest();
  const got = Buffer.from(value);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
