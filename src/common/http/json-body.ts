/** Raised for a JSON body the service refuses to read: answered 400 like any malformed body. */
export class MalformedJsonError extends Error {
  readonly statusCode = 400;
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedJsonError';
  }
}

/**
 * Deepest nesting a JSON body may have. No request of the API nests beyond
 * three levels; without a cap, a 10 KB body of 5,000 nested arrays
 * overflows the stack in the recursive validation and transformation
 * libraries (a 500, and an easy way to burn CPU).
 */
export const MAX_JSON_DEPTH = 32;

/** A lone UTF-16 surrogate: in `u` mode a proper pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Why a parsed JSON document must be refused, or null when it is fine:
 * - `too_deep`: nested deeper than MAX_JSON_DEPTH;
 * - `ill_formed_unicode`: a string (value or key) that is not well-formed
 *   Unicode. JSON escapes (`"\ud800"`) can produce them; they cannot be
 *   stored faithfully (UTF-8 turns them into U+FFFD) and they make
 *   validators throw (validator's isEmail calls encodeURI: URIError, a 500).
 * Iterative, so the check itself cannot exhaust the stack.
 */
export function jsonDocumentProblem(root: unknown): 'too_deep' | 'ill_formed_unicode' | null {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return 'ill_formed_unicode';
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_JSON_DEPTH) return 'too_deep';
      if (Array.isArray(value)) {
        for (const item of value) stack.push([item, depth + 1]);
      } else {
        for (const [key, item] of Object.entries(value)) {
          if (LONE_SURROGATE.test(key)) return 'ill_formed_unicode';
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return null;
}
