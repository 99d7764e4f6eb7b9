/**
 * RFC 8785 JSON Canonicalization Scheme. ECMAScript's JSON.stringify already
 * serialises strings and numbers exactly as JCS requires (section 3.2.2), so
 * what remains is sorting object keys by UTF-16 code units, which is what the
 * default Array#sort compares. Values that JSON cannot carry are refused
 * rather than silently dropped: a hash over a lossy form would prove nothing.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('JCS: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // Plain concatenation: the sealer and the verifier run this for every row.
    let out = '';
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    }
    return `{${out}}`;
  }
  throw new TypeError(`JCS: cannot serialise a ${typeof value}`);
}
