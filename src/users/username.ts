import { CONTROL_CHARS } from './password';

/** Letters of any script, marks, digits and . _ - @ ; 1 to 64 characters after NFKC. */
const USERNAME = /^[\p{L}\p{M}\p{N}._@-]{1,64}$/u;

export function normalizeUsername(username: string): string {
  return username.normalize('NFKC');
}

/**
 * The uniqueness and lookup key: NFKC, then locale-independent lower-casing
 * (String#toLowerCase ignores the process locale), then NFKC again. So `I`
 * and `i` collide, while Turkish dotted `İ` (-> i + U+0307) and dotless
 * `ı` stay distinct from `i`: no locale decides who you log in as.
 */
export function usernameKey(username: string): string {
  return normalizeUsername(username).toLowerCase().normalize('NFKC');
}

export function isValidUsername(username: unknown): username is string {
  return typeof username === 'string' && !CONTROL_CHARS.test(username) && USERNAME.test(normalizeUsername(username));
}
