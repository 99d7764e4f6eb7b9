/** Raised for form bodies that RFC 6749 says to reject (malformed, repeated parameter). */
export class MalformedFormError extends Error {
  readonly statusCode = 400;
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedFormError';
  }
}

function decode(part: string): string {
  // Nothing to decode: the common case (tokens and ids are base64url, dots and dashes).
  if (part.indexOf('%') === -1 && part.indexOf('+') === -1) return part;
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new MalformedFormError('malformed percent-encoding');
  }
}

/**
 * Parses application/x-www-form-urlencoded strictly: a parameter sent twice
 * is an error (RFC 6749 §3.2), and so is broken percent-encoding.
 */
export function parseFormBody(body: string): Record<string, string> {
  const result: Record<string, string> = Object.create(null) as Record<string, string>;
  if (body.length === 0) return result;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (Object.prototype.hasOwnProperty.call(result, name)) {
      throw new MalformedFormError(`parameter repeated: ${name}`);
    }
    result[name] = value;
  }
  return result;
}
