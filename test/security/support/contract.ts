import assert from 'node:assert/strict';
import type { HttpResult } from '../../support/http';

/**
 * The wire contract every response must keep, whatever was sent (API.md,
 * "Conventions for every endpoint"), as checks that return what is wrong
 * (for the fuzzer, which collects) and as assertions (for the suites).
 */
export interface Res {
  status: number;
  text: string;
  body: unknown;
  header(name: string): string | undefined;
}

export function fromFetch(r: HttpResult<unknown>): Res {
  return { status: r.status, text: r.text, body: r.body, header: (name) => r.headers.get(name) ?? undefined };
}

export const REQUEST_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Text that appears in a body only when an internal error leaks: exception
 * class names, stack frames, SQL and driver messages, library names, paths.
 * Checked on every error body (a success body may legitimately echo what the
 * caller stored, e.g. a role description containing "SELECT").
 */
export const INTERNAL_MARKERS: readonly RegExp[] = [
  /QueryFailedError|EntityNotFound|TypeORMError|DatabaseError/i,
  /postgres|typeorm|\bpg\b|fastify|FST_ERR|nestjs|class-validator|class-transformer|bcrypt|node:internal/i,
  /node_modules|\/work\/|\bat \/|\bat [\w.<>]+ \(|\.(?:ts|js):\d+/,
  /"stack"\s*:|TypeError|ReferenceError|RangeError|SyntaxError|Cannot read propert|is not a function|undefined is not/,
  /Unexpected token|in JSON at position|Unexpected end of JSON/i,
  // One pattern, written in parts only to keep the lines short: the same source and flags as a single literal.
  new RegExp(
    [
      /syntax error at or near|violates .* constraint|duplicate key value|invalid input syntax/.source,
      /relation "|column "|\bSELECT\b[\s\S]*\bFROM\b|\bINSERT INTO\b|\bDELETE FROM\b|ON CONFLICT/.source,
    ].join('|'),
    'i',
  ),
];

/** Never in any body, success or error: stored secrets' columns and formats. */
export const SECRET_MARKERS: readonly RegExp[] = [
  /password_hash|secret_hash|mfa_secret|private_key|key_enc/i,
  /\$2[aby]\$\d\d\$/, // a bcrypt hash
  /-----BEGIN/, // a PEM key
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 6749 §5.2 error body; `error` limited to the RFC's character set. */
export function oauthShapeViolation(res: Res): string | null {
  if (!/^application\/json/i.test(res.header('content-type') ?? ''))
    return `oauth error content-type ${res.header('content-type')}`;
  const b = res.body;
  if (!isRecord(b)) return 'oauth error body is not a JSON object';
  if (typeof b.error !== 'string' || !/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(b.error))
    return 'oauth error lacks a valid `error`';
  if (typeof b.error_description !== 'string') return 'oauth error lacks `error_description`';
  const extra = Object.keys(b).filter((k) => !['error', 'error_description', 'error_uri'].includes(k));
  if (extra.length > 0) return `oauth error has extra fields ${extra.join(',')}`;
  return null;
}

/** RFC 9457 problem with every field the contract names. */
export function problemShapeViolation(res: Res): string | null {
  if (!/^application\/problem\+json/i.test(res.header('content-type') ?? ''))
    return `problem content-type ${res.header('content-type')}`;
  const b = res.body;
  if (!isRecord(b)) return 'problem body is not a JSON object';
  for (const f of ['type', 'title', 'detail', 'request_id'])
    if (typeof b[f] !== 'string') return `problem lacks string \`${f}\``;
  if (b.status !== res.status) return `problem status ${String(b.status)} != HTTP ${res.status}`;
  if (b.request_id !== res.header('x-request-id')) return 'problem request_id differs from X-Request-ID';
  if (b.errors !== undefined) {
    const ok =
      Array.isArray(b.errors) &&
      b.errors.every((e) => isRecord(e) && typeof e.field === 'string' && typeof e.message === 'string');
    if (!ok) return 'problem `errors` is not [{field, message}]';
  }
  return null;
}

/** Which error shape a path speaks: `/oauth/*` the RFC 6749 one, the rest RFC 9457. */
export function errorShapeFor(path: string): 'oauth' | 'problem' | 'either' {
  if (path.startsWith('/oauth/')) return 'oauth';
  // `/oauth` itself is no endpoint; either shape is a fair answer.
  if (path === '/oauth' || path.startsWith('/oauth?')) return 'either';
  return 'problem';
}

export interface SentRequest {
  method: string;
  path: string;
  /** The X-Request-ID sent, if any. */
  requestId?: string;
  /**
   * Strings the request itself carried (payloads, field names). An error may
   * legitimately name them ("unknown role: x' UNION SELECT ..."), so they are
   * removed before the body is scanned for internal details; stored secrets
   * are still searched in the raw body.
   */
  echo?: readonly string[];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The body without the request's own strings (raw and JSON-escaped). A
 * string under 3 characters is removed only where it stands whole, as a
 * JSON string or a segment of a field path (`"pG"`, `"a.pG"`: a field an
 * error names); bare, it would cut real words.
 */
function scrub(text: string, echo: readonly string[] | undefined): string {
  let out = text;
  for (const s of echo ?? []) {
    const escaped = JSON.stringify(s).slice(1, -1);
    if (s.length === 0) continue;
    if (s.length < 3) out = out.replace(new RegExp(`(?<=[".])${escapeRegExp(escaped)}(?=[".])`, 'g'), '');
    else out = out.split(s).join('').split(escaped).join('');
  }
  return out;
}

/** Every contract rule a single response broke (empty when it kept them all). */
export function contractViolations(req: SentRequest, res: Res, secrets: readonly string[] = []): string[] {
  const out: string[] = [];
  const rid = res.header('x-request-id');
  // The request id is echoed by design (header and problem body): it is the caller's text too.
  const own = scrub(res.text, [...(req.echo ?? []), ...(rid ? [`"request_id":"${rid}"`] : [])]);
  if (res.status >= 500) out.push(`status ${res.status}`);
  if (!rid || !REQUEST_ID.test(rid)) out.push(`X-Request-ID missing or invalid: ${String(rid)}`);
  // (431: the headers were refused unread, so the incoming id cannot be known: a fresh one is right.)
  else if (req.requestId !== undefined && REQUEST_ID.test(req.requestId) && rid !== req.requestId && res.status !== 431)
    out.push('a valid incoming X-Request-ID was not kept');
  const hasBody = req.method.toUpperCase() !== 'HEAD';
  if (res.status >= 400 && hasBody) {
    const shape = errorShapeFor(req.path);
    const oauth = oauthShapeViolation(res);
    const problem = problemShapeViolation(res);
    if (shape === 'oauth' && oauth) out.push(oauth);
    if (shape === 'problem' && problem) out.push(problem);
    if (shape === 'either' && oauth && problem) out.push(`${oauth}; ${problem}`);
    for (const m of INTERNAL_MARKERS)
      if (m.test(own)) out.push(`internal detail in error body (${m.source.slice(0, 40)})`);
  }
  for (const m of SECRET_MARKERS) if (m.test(own)) out.push(`secret marker in body (${m.source.slice(0, 40)})`);
  for (const s of secrets)
    if (s.length >= 8 && res.text.includes(s)) out.push('a secret created by the test leaked into a body');
  return out;
}

/** Asserts the whole contract; `label` says which attack the response answers. */
export function assertContract(label: string, req: SentRequest, res: Res, secrets: readonly string[] = []): void {
  const v = contractViolations(req, res, secrets);
  assert.deepEqual(
    v,
    [],
    `${label}: ${req.method} ${req.path.slice(0, 200)} -> ${res.status} ${res.text.slice(0, 300)}`,
  );
}

export function assertOAuthError(res: Res, status: number, code?: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(oauthShapeViolation(res), null, res.text);
  if (code) assert.equal((res.body as Record<string, unknown>).error, code, res.text);
}

export function assertProblem(res: Res, status: number, typeSuffix?: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(problemShapeViolation(res), null, res.text);
  if (typeSuffix)
    assert.ok(
      String((res.body as Record<string, unknown>).type).endsWith(typeSuffix),
      `type should end in ${typeSuffix}: ${res.text}`,
    );
}
