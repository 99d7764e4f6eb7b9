import { createHash } from 'node:crypto';
import type { FieldError } from '../common/errors/problem-error';
import { CONTROL_CHARS } from '../common/text/control-chars';

export { CONTROL_CHARS };

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * bcrypt reads at most 72 bytes and stops at a NUL. The input it sees is
 * therefore base64(SHA-256(NFKC(password))): 44 ASCII bytes, no NUL, and
 * every byte of the password counts. A password differing only after byte
 * 72, or by a trailing NUL, is a different password.
 */
export function bcryptInput(password: string): string {
  return createHash('sha256').update(normalizePassword(password), 'utf8').digest('base64');
}

/** Policy: min..max characters (code points, after NFKC), no control characters. */
export function passwordPolicyErrors(password: unknown, min: number, max: number, field = 'password'): FieldError[] {
  if (typeof password !== 'string') return [{ field, message: 'must be a string' }];
  const length = [...normalizePassword(password)].length;
  if (length < min || length > max) return [{ field, message: `must be ${min} to ${max} characters` }];
  if (CONTROL_CHARS.test(password)) return [{ field, message: 'must not contain control characters' }];
  return [];
}
