import { generateIdentifier, generateSecret, sha256 } from '../common/crypto/secrets';

const KEY_PREFIX = 'ak_';
const LOOKUP_BYTES = 12;
/** 12 random bytes in base64url (with `-`/`_` mapped to `x`): 16 alphanumerics. */
const LOOKUP_LENGTH = 16;
/** `ak_` + lookup id + `_` + 43 base64url characters (32 bytes = 256 bits). */
const KEY_PATTERN = /^ak_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const MAX_KEY_LENGTH = 128;
/** Characters of the key shown for display (contract: the first 12). */
export const DISPLAY_PREFIX_LENGTH = 12;

export interface NewApiKey {
  key: string;
  lookupId: string;
  secretHash: Buffer;
  prefix: string;
}

/**
 * A fresh key. The lookup id is stored in clear (it finds the row without a
 * hash scan); only SHA-256 of the 256-bit secret is stored (DESIGN.md
 * decision 3: a slow hash adds nothing at that entropy).
 */
export function newApiKey(): NewApiKey {
  let lookupId = generateIdentifier(LOOKUP_BYTES);
  // generateIdentifier yields exactly 16 characters for 12 bytes; guard the format anyway.
  while (lookupId.length !== LOOKUP_LENGTH) lookupId = generateIdentifier(LOOKUP_BYTES);
  const secret = generateSecret('');
  const key = `${KEY_PREFIX}${lookupId}_${secret}`;
  return { key, lookupId, secretHash: sha256(secret), prefix: key.slice(0, DISPLAY_PREFIX_LENGTH) };
}

export interface ParsedApiKey {
  lookupId: string;
  secret: string;
}

/** Splits a presented key; null for anything that is not shaped like one of ours. */
export function parseApiKey(key: string): ParsedApiKey | null {
  if (key.length > MAX_KEY_LENGTH) return null;
  const match = KEY_PATTERN.exec(key);
  return match ? { lookupId: match[1], secret: match[2] } : null;
}
