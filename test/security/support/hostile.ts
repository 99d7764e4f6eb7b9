/**
 * Strings that break naive code: SQL injection, NUL and control characters
 * (PostgreSQL text cannot hold NUL), Unicode tricks, template and path
 * injection, and length. Each pair is [what it tries, the string].
 */
export const HOSTILE_STRINGS: readonly [string, string][] = [
  ['SQL tautology', "' OR '1'='1"],
  ['SQL stacked drop', "'; DROP TABLE users; --"],
  ['SQL union', "x' UNION SELECT username, email FROM users --"],
  ['SQL comment', "admin'--"],
  ['SQL double quote', '"; DROP TABLE "clients"; --'],
  ['SQL time-based', "1'; SELECT pg_sleep(10); --"],
  ['NUL alone', '\u0000'],
  ['embedded NUL', 'abc\u0000def'],
  ['very long', 'A'.repeat(6_000)],
  ['Unicode controls', '\u202e\u200b\ufeff\u2028\u2029'],
  ['ANSI escape and CRLF', '\u001b[31mred\r\nX-Injected: 1'],
  ['C1 control', 'a\u0085b\u009b'],
  ['lone surrogate', '\ud800x'],
  ['emoji and combining marks', '👩‍💻e\u0301\u0301\u0301'],
  ['literal percent escapes', '%00%27%22%ff'],
  ['operator object as text', '{"$ne": null}'],
  ['template injection', '${jndi:ldap://127.0.0.1/a}{{7*7}}<%= 7*7 %>'],
  ['path traversal', '../../../../etc/passwd'],
  ['HTML', '<script>alert(1)</script>'],
  ['numeric overflow', '-1e309'],
  ['empty', ''],
  ['blank', '   '],
];

/** Payloads for a path segment: the hostile strings plus encodings that only make sense in a URL. */
export const HOSTILE_PATH_SEGMENTS: readonly string[] = [
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%00',
  '%ff%fe',
  '%E2%80%AE',
  '%252e',
  '..;',
  '*',
  '%3B%20DROP%20TABLE%20users',
];

/** Bodies that may not parse as JSON. */
export const MALFORMED_JSON: readonly string[] = [
  '{',
  '{"a":}',
  'nul',
  '[1,]',
  "{'a':1}",
  '{"a":1}}',
  '\u0000',
  '{"a":"\\x41"}',
  '{"a":1,}',
  '"unterminated',
  '{"a":NaN}',
  '{"a":01}',
];
