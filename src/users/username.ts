import { CONTROL_CHARS } from './password';
import { skeleton } from './username-skeleton';

/** Letters of any script, marks, digits and . _ - @ ; 1 to 64 characters after NFKC. */
const USERNAME = /^[\p{L}\p{M}\p{N}._@-]{1,64}$/u;

export function normalizeUsername(username: string): string {
  return username.normalize('NFKC');
}

/**
 * The uniqueness and lookup key: NFKC, locale-independent lower-casing
 * (String#toLowerCase ignores the process locale), and the Turkish i family
 * folded together: `I`, `i`, `İ` (which lower-cases to i + U+0307) and `ı`
 * all become `i`. So `ÇAĞRI`, `çağrı` and `çağri` are one account whatever
 * the client's locale upper- or lower-cased, and nobody can register a
 * look-alike of an existing name by swapping dotted and dotless i.
 */
export function usernameKey(username: string): string {
  return normalizeUsername(username)
    .toLowerCase()
    .replace(/i\u0307/g, 'i')
    .replace(/\u0131/g, 'i')
    .normalize('NFKC');
}

export function isValidUsername(username: unknown): username is string {
  return typeof username === 'string' && !CONTROL_CHARS.test(username) && USERNAME.test(normalizeUsername(username));
}

/**
 * The look-alike key, unique in `users.username_skeleton`: the confusable
 * skeleton (Unicode TS #39) of the case-folded key, so neither case nor a
 * homoglyph (Cyrillic а for Latin a, 0 for O) makes a second account that
 * reads like an existing one.
 */
export function usernameSkeleton(username: string): string {
  // Prototypes can be capitals (0 -> O): fold once more, as the key is case-insensitive.
  return skeleton(usernameKey(username)).toLowerCase();
}
