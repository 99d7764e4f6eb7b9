/**
 * The net under "never log a credential": every argument of every log call
 * passes through here (pino `hooks.logMethod`), whatever logged it. Errors
 * are the danger: TypeORM's QueryFailedError carries the statement's
 * `parameters` (password hashes, token hashes, sealed keys) and PostgreSQL's
 * `detail` quotes the failing row. Those are dropped or masked, and strings
 * that look like a credential are masked wherever they appear.
 */

const CENSOR = '[redacted]';
const MAX_DEPTH = 5;

/** Error fields that are safe and useful to keep (PostgreSQL diagnostics name things, not values). */
const SAFE_ERROR_FIELDS = [
  'code',
  'severity',
  'table',
  'column',
  'constraint',
  'schema',
  'routine',
  'errno',
  'syscall',
];
/** Fields that carry statement values or rows. */
const VALUE_FIELDS = /^(parameters|params|values|bindings|detail|where|internalQuery|hint)$/i;
/** Keys whose value is a credential, whatever its shape. */
const SECRET_KEY = /pass(word)?|secret|token|hash|^otp$|^key$|api_?key|authorization|cookie|private|sealed|_enc$/i;

const CREDENTIAL_PATTERNS: RegExp[] = [
  /\b(?:cs|ak|rt)_[A-Za-z0-9_-]{16,}/g, // the service's own secrets (client secrets, API keys, refresh tokens)
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, // JWTs
  /\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}/g, // bcrypt hashes
  /\\x[0-9a-fA-F]{16,}/g, // bytea literals (hashes, sealed keys)
  /\b[0-9a-fA-F]{32,}\b/g, // hex digests
  /(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // Long base64 with digits and both cases: keys, sealed blobs (file paths in stacks have no digits, or dots).
  /(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[A-Z])(?=[A-Za-z0-9+/_-]*[a-z])[A-Za-z0-9+/_-]{40,}={0,2}/g,
];

/**
 * A value that is public by construction and must reach the log exactly:
 * an audit checkpoint (the hash and signature of the tamper-evident chain,
 * published so that a copy exists outside the database). Its hex hash and
 * base64url signature would otherwise be masked as credential-shaped. Wrap
 * only values that carry no secret.
 */
export class PublicLogValue<T> {
  constructor(readonly value: T) {}

  toJSON(): T {
    return this.value;
  }
}

/** Masks anything in a string that looks like a credential. */
export function scrubText(text: string): string {
  let out = text;
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, CENSOR);
  return out;
}

/** SQL text with its literals masked: parameterised statements keep their shape, inline values go. */
function scrubSql(sql: string): string {
  return scrubText(sql.replace(/'(?:[^']|'')*'/g, "'?'"));
}

function redactError(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.name, message: scrubText(err.message) };
  if (err.stack) out.stack = scrubText(err.stack);
  const fields = err as unknown as Record<string, unknown>;
  for (const field of SAFE_ERROR_FIELDS) {
    if (typeof fields[field] === 'string' || typeof fields[field] === 'number') out[field] = fields[field];
  }
  if (typeof fields.query === 'string') out.query = scrubSql(fields.query);
  if (fields.driverError && typeof fields.driverError === 'object' && depth < MAX_DEPTH) {
    out.driverError = redactValue(fields.driverError, depth + 1);
  }
  if (err.cause !== undefined && depth < MAX_DEPTH) out.cause = redactValue(err.cause, depth + 1);
  return out;
}

/** A copy of `value` safe to log. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return redactError(value, depth);
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return CENSOR;
  if (value instanceof Date) return value;
  if (value instanceof PublicLogValue) return value.value as unknown;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function' && depth < MAX_DEPTH) return redactValue(json.call(value), depth + 1);
  if (depth >= MAX_DEPTH) return '[depth]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (VALUE_FIELDS.test(k) || (SECRET_KEY.test(k) && v !== null && typeof v !== 'boolean')) out[k] = CENSOR;
    else if (k === 'query' && typeof v === 'string') out[k] = scrubSql(v);
    else out[k] = redactValue(v, depth + 1);
  }
  return out;
}
