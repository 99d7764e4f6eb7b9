import fc from 'fast-check';
import { HOSTILE_PATH_SEGMENTS, HOSTILE_STRINGS } from './hostile';
import { mutatedCredential, randomJwt } from './mutate';
import { baselineBody, fillPath, Operation } from './openapi';
import { FORM, JSON_TYPE, pct } from './raw-http';

/**
 * fast-check arbitraries for whole HTTP requests, built from the service's
 * OpenAPI operations: documented and mutated routes, random path ids and
 * query strings, schema-shaped, random and broken JSON, random forms with
 * the OAuth field names, garbage and mutated credentials, random headers.
 */
export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  chunked?: boolean;
  /** The strings the request carried (an error may name them: not a leak). */
  echo: string[];
  /** True when the request carries the admin's valid token. */
  admin: boolean;
  /** The documented route it was built from, or `other`: groups findings. */
  route: string;
}

export interface FuzzContext {
  ops: Operation[];
  /** Ids worth trying in paths (real objects included). */
  ids: string[];
  /** Real credentials that are only ever sent mutated. */
  credentials: string[];
  clientIds: string[];
  bodyLimit: number;
  /** When set, a share of requests carries this token unchanged (an MFA admin's). */
  adminToken?: string;
  /** Operations never called with the admin token (see the fuzz spec for why). */
  adminExcluded?: (op: Operation) => boolean;
}

const OAUTH_FIELDS = [
  'grant_type',
  'username',
  'password',
  'client_id',
  'client_secret',
  'scope',
  'refresh_token',
  'token',
  'token_type_hint',
  'otp',
];
// Fields a mass-assignment attack would try to set (and prototype keys).
const EXTRA_KEYS = [
  'id',
  'password_hash',
  'secret_hash',
  'roles',
  'permissions',
  'disabled',
  'mfa_enabled',
  'built_in',
  'failed_attempts',
  'owner_id',
  'scope',
  '__proto__',
  'constructor',
  'prototype',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH'];
const CONTENT_TYPES = [
  JSON_TYPE,
  FORM,
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded; charset=latin1',
  '',
  '*/*',
  'application/json, text/plain',
];
const EXTRA_PATHS = [
  '/',
  '/v1',
  '/v1/',
  '/oauth',
  '/oauth/',
  '/oauth/token/',
  '/metrics',
  '/docs',
  '/docs-json',
  '/health/live',
  '/health/ready',
  '/.well-known/openid-configuration',
  '/%',
  '/%zz',
  '/v1/users/%',
  '/v1/%2e%2e/oauth/token',
  '/v1/users/%c0%ae%c0%ae',
  '//v1//users',
  '/V1/USERS',
  '/v1/users;jsessionid=1',
  '/v1/users/..',
  '/oauth/token%00',
];
const HOP_BY_HOP = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-connection',
  'http2-settings',
]);

/** Header values as node:http will send them: controls and non-latin1 replaced. */
export function headerSafe(value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    out += c === 9 || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) ? ch : '?';
  }
  return out;
}

export function fuzzRequest(ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const text = fc.oneof(
    { arbitrary: fc.string({ maxLength: 24 }), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 16 }), weight: 2 },
    { arbitrary: fc.constantFrom(...HOSTILE_STRINGS.map(([, s]) => s)), weight: 2 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.constantFrom(...ctx.ids), weight: 1 },
    { arbitrary: fc.integer({ min: 90, max: 3_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  );
  const credential = fc.oneof(
    { arbitrary: fc.constantFrom(...ctx.credentials).chain(mutatedCredential), weight: 4 },
    { arbitrary: randomJwt(), weight: 2 },
    { arbitrary: text, weight: 2 },
    { arbitrary: text.map((s) => `ak_${s}`), weight: 1 },
    { arbitrary: text.map((s) => `rt_${s}`), weight: 1 },
  );
  const jsonValue = fc.oneof(
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
    { arbitrary: text, weight: 3 },
    { arbitrary: fc.constantFrom(-1, 0, 1e308, -1e-308, 2 ** 53 + 1, true, false, null), weight: 1 },
    { arbitrary: fc.array(text, { maxLength: 4 }), weight: 1 },
    { arbitrary: credential, weight: 1 },
  );

  const op = fc.constantFrom(...ctx.ops);
  // Real ids often: a handler that finds its object goes further than its 404.
  const segment = fc.oneof(
    { arbitrary: text.map(pct), weight: 5 },
    { arbitrary: fc.constantFrom(...ctx.ids).map(pct), weight: 3 },
    { arbitrary: fc.constantFrom(...HOSTILE_PATH_SEGMENTS), weight: 1 },
  );
  const query = fc.array(
    fc.tuple(fc.oneof(text, fc.constantFrom('limit', 'cursor', 'event_type', 'owner_type', 'since')), text),
    { maxLength: 4 },
  );
  const route = fc.oneof(
    {
      arbitrary: fc
        .tuple(
          op,
          fc.array(segment, { minLength: 4, maxLength: 4 }),
          fc.constantFrom('none', 'none', 'none', 'slash', 'double', 'extra', 'upper'),
        )
        .map(([o, segs, how]) => ({ o, path: mutatePath(fillPath(o.path, paramValues(o, segs)), how) })),
      weight: 8,
    },
    {
      arbitrary: fc.array(segment, { maxLength: 4 }).map((segs) => ({ o: undefined, path: `/${segs.join('/')}` })),
      weight: 1,
    },
    { arbitrary: fc.constantFrom(...EXTRA_PATHS).map((path) => ({ o: undefined, path })), weight: 1 },
  );

  const jsonBody = (o: Operation | undefined): fc.Arbitrary<{ text: string; echo: string[] }> => {
    const props = Object.keys(o?.jsonBody?.properties ?? {});
    const keys = props.length > 0 ? fc.constantFrom(...props) : fc.constantFrom(...EXTRA_KEYS);
    const shaped = fc
      .tuple(
        fc.array(fc.tuple(keys, jsonValue), { maxLength: 3 }),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), text), jsonValue), { maxLength: 2 }),
        fc.boolean(),
      )
      .map(([edits, extras, keepBaseline]) => {
        const entries = new Map<string, unknown>(keepBaseline ? Object.entries(baselineBody(o?.jsonBody)) : []);
        for (const [k, v] of [...edits, ...extras]) entries.set(k, v);
        return {
          text: `{${[...entries].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`,
          echo: stringsOf([...entries]),
        };
      });
    return fc.oneof(
      { arbitrary: shaped, weight: 6 },
      {
        arbitrary: fc
          .jsonValue({ maxDepth: 4 })
          .map((v) => ({ text: JSON.stringify(v) ?? 'null', echo: stringsOf(v) })),
        weight: 2,
      },
      {
        arbitrary: fc
          .tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat())
          .map(([v, n]) => truncated(JSON.stringify(v) ?? 'null', n)),
        weight: 1,
      },
      {
        arbitrary: fc
          .integer({ min: 30, max: 3_000 })
          .map((d) => ({ text: `${'['.repeat(d)}${']'.repeat(d)}`, echo: [] })),
        weight: 1,
      },
    );
  };

  const formBody = fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.oneof(
            { arbitrary: fc.constantFrom(...OAUTH_FIELDS), weight: 6 },
            { arbitrary: fc.constantFrom(...EXTRA_KEYS), weight: 1 },
            { arbitrary: text, weight: 1 },
          ),
          fc.oneof(
            text,
            credential,
            fc.constantFrom(
              'password',
              'refresh_token',
              'client_credentials',
              'access_token',
              'api_key',
              ...ctx.clientIds,
            ),
          ),
        ),
        { maxLength: 8 },
      ),
      fc.boolean(),
    )
    .map(([pairs, dup]) => {
      const all = dup && pairs.length > 0 ? [...pairs, pairs[0]] : pairs;
      return { text: all.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&'), echo: all.flat() };
    });

  const body = (
    o: Operation | undefined,
    path: string,
  ): fc.Arbitrary<{ text?: string; type?: string; echo: string[] }> => {
    const natural = path.startsWith('/oauth') ? FORM : JSON_TYPE;
    const typed = (
      b: fc.Arbitrary<{ text: string; echo: string[] }>,
      type: string,
    ): fc.Arbitrary<{ text?: string; type?: string; echo: string[] }> =>
      fc
        .tuple(
          b,
          fc.oneof(
            { arbitrary: fc.constant(type), weight: 9 },
            { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 1 },
          ),
        )
        .map(([x, t]) => ({ ...x, type: t || undefined }));
    return fc.oneof(
      { arbitrary: fc.constant({ echo: [] as string[] }), weight: 3 },
      { arbitrary: typed(natural === FORM ? formBody : jsonBody(o), natural), weight: 8 },
      { arbitrary: typed(natural === FORM ? jsonBody(o) : formBody, natural === FORM ? JSON_TYPE : FORM), weight: 1 },
      {
        arbitrary: typed(
          fc.integer({ min: 1, max: 3 * ctx.bodyLimit }).map((n) => ({ text: 'a'.repeat(n), echo: [] })),
          natural,
        ),
        weight: 1,
      },
    );
  };

  const auth = fc.oneof(
    { arbitrary: fc.constant({} as Record<string, string>), weight: 3 },
    { arbitrary: credential.map((c) => ({ authorization: `Bearer ${c}` })), weight: 4 },
    {
      arbitrary: fc
        .tuple(text, text)
        .map(([a, b]) => ({ authorization: `Basic ${Buffer.from(`${a}:${b}`).toString('base64')}` })),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(fc.constantFrom('Bearer', 'bearer', 'Basic', 'Token', 'Digest', ''), text)
        .map(([s, v]) => ({ authorization: `${s} ${v}` })),
      weight: 1,
    },
    { arbitrary: credential.map((c) => ({ 'x-api-key': c })), weight: 2 },
    {
      arbitrary: fc.tuple(credential, credential).map(([a, b]) => ({ authorization: `Bearer ${a}`, 'x-api-key': b })),
      weight: 1,
    },
  );
  const requestId = fc.oneof(
    fc.constant(undefined),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,100}$/),
    text,
    fc.constant('a'.repeat(101)),
  );
  const extraHeaders = fc.dictionary(
    fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
      fc.constantFrom(
        'accept',
        'accept-version',
        'x-forwarded-for',
        'forwarded',
        'x-http-method-override',
        'origin',
        'cookie',
        'range',
      ),
    ),
    text,
    { maxKeys: 3 },
  );

  const general = fc
    .tuple(
      route,
      fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: fc.constantFrom(...METHODS), weight: 2 }),
      query,
      auth,
      requestId,
      extraHeaders,
      fc.nat(99),
      fc.nat(19),
    )
    .chain(([r, method, q, a, rid, extra, adminRoll, chunkRoll]) =>
      body(r.o, r.path).map((b): FuzzCase => {
        const m = method ?? r.o?.method ?? 'GET';
        const useAdmin = ctx.adminToken !== undefined && adminRoll < 45 && !(r.o && ctx.adminExcluded?.(r.o));
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(extra)) if (!HOP_BY_HOP.has(k)) headers[k] = headerSafe(v);
        for (const [k, v] of Object.entries(useAdmin ? { authorization: `Bearer ${ctx.adminToken}` } : a))
          headers[k] = headerSafe(v);
        if (rid !== undefined) headers['x-request-id'] = headerSafe(rid);
        if (b.type !== undefined) headers['content-type'] = headerSafe(b.type);
        const qs = q.length > 0 && adminRoll % 3 === 0 ? `?${q.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&')}` : '';
        return {
          method: m,
          path: r.path + qs,
          headers,
          body: b.text,
          chunked: b.text !== undefined && chunkRoll === 0,
          echo: [...b.echo, ...q.flat(), ...Object.values(extra), ...decodedSegments(r.path)],
          admin: useAdmin,
          route: r.o ? r.o.path : 'other',
        };
      }),
    );
  if (ctx.adminToken === undefined) return general;

  // Well-formed admin calls (documented route, real ids, schema-shaped body): the handlers'
  // own logic, past validation, gets a real share of the run.
  const adminOps = ctx.ops.filter((o) => !ctx.adminExcluded?.(o));
  const focused = fc
    .tuple(
      fc.constantFrom(...adminOps),
      fc.array(fc.oneof({ arbitrary: fc.constantFrom(...ctx.ids), weight: 3 }, { arbitrary: text, weight: 1 }), {
        minLength: 4,
        maxLength: 4,
      }),
    )
    .chain(([o, segs]) =>
      (o.path.startsWith('/oauth') ? formBody : jsonBody(o)).map((b): FuzzCase => ({
        method: o.method,
        path: fillPath(o.path, paramValues(o, segs.map(pct))),
        headers: {
          authorization: `Bearer ${ctx.adminToken}`,
          'content-type': o.path.startsWith('/oauth') ? FORM : JSON_TYPE,
        },
        body: ['GET', 'DELETE'].includes(o.method) ? undefined : b.text,
        echo: [...b.echo, ...segs],
        admin: true,
        route: o.path,
      })),
    );
  return fc.oneof({ arbitrary: general, weight: 3 }, { arbitrary: focused, weight: 2 });
}

function paramValues(o: Operation, segs: string[]): Record<string, string> {
  return Object.fromEntries(o.pathParams.map((p, i) => [p, segs[i] ?? 'x']));
}

function mutatePath(path: string, how: string): string {
  if (how === 'slash') return `${path}/`;
  if (how === 'double') return path.replace('/', '//');
  if (how === 'extra') return `${path}/x`;
  if (how === 'upper') return path.toUpperCase();
  return path;
}

function decodedSegments(path: string): string[] {
  return path.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

function truncated(json: string, n: number): { text: string; echo: string[] } {
  return { text: json.slice(0, Math.max(1, n % Math.max(1, json.length))), echo: [] };
}

/** Every string (keys included) inside a JSON-like value. */
function stringsOf(value: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) stack.push(...v);
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) stack.push(k, x);
  }
  return out;
}
