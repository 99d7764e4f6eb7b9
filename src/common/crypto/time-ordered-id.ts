import { randomBytes } from 'node:crypto';

const UUID_V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * An RFC 9562 version 7 UUID: the first 48 bits are the Unix time in
 * milliseconds, the rest random (74 bits). Used as an access token's `jti`,
 * it carries the token's issue time to the millisecond, where `iat` has only
 * whole seconds (RFC 7519 NumericDate): revocation cutoffs compare with it.
 */
export function timeOrderedUuid(unixMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Math.floor(unixMs), 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The millisecond time in a version 7 UUID, or undefined for any other string. */
export function uuidTime(id: string): number | undefined {
  const m = UUID_V7.exec(id);
  return m ? parseInt(m[1] + m[2], 16) : undefined;
}
