import { randomBytes, randomUUID } from 'node:crypto';
import {
  bearerCallerHeaders,
  clientToken,
  clientTokens,
  FORM,
  introspectBody,
  introspectionHeaders,
  revoke,
} from '../lib/fixtures';
import { mapLimit } from '../lib/http';
import { BenchContext } from '../lib/context';
import { awaitAuditSealed } from '../lib/quiesce';
import { Part } from './part';

const ACTIVE = '"active":true';
const INACTIVE = '{"active":false}';

function introspectLoad(
  ctx: BenchContext,
  title: string,
  tokens: string[],
  expect: string,
  countSql = true,
  headers = introspectionHeaders(ctx),
): ReturnType<BenchContext['load']> {
  return ctx.load(
    {
      title,
      path: '/oauth/introspect',
      method: 'POST',
      headers,
      ...(tokens.length === 1 ? { body: introspectBody(tokens[0]) } : { bodies: tokens.map(introspectBody) }),
      expectInBody: expect,
    },
    { countSql },
  );
}

/** (1) One valid access token over and over: credential cache + verified-token cache + revocation set. */
export const introspectOne: Part = {
  id: 'intro-one',
  title: 'introspection, one token',
  needs: ['introspect'],
  async run(ctx) {
    const token = await clientToken(ctx.service.url, ctx.seeded.cc);
    // The reference's caller is a Bearer token too: the like-for-like row the targets are set on.
    const bearer = await bearerCallerHeaders(ctx);
    const load = await introspectLoad(ctx, 'introspect one token, Bearer caller', [token], ACTIVE, true, bearer);
    const basicLoad = await introspectLoad(ctx, 'introspect one token, Basic caller', [token], ACTIVE);
    return [
      {
        id: 'intro-one',
        label: '(1) introspect: one valid token, Bearer caller',
        load,
        target: { minReference: 0.9, minPeer: 2.5, maxP99Ms: 5 },
      },
      { id: 'intro-one-basic', label: '(1b) introspect: one valid token, Basic caller', load: basicLoad, target: {} },
    ];
  },
};

/** (2) Many distinct valid tokens in rotation: each verified once, then answered from the cache. */
export const introspectMany: Part = {
  id: 'intro-many',
  title: 'introspection, many tokens',
  needs: ['introspect'],
  async run(ctx) {
    const tokens = await clientTokens(ctx, 'valid', ctx.options.tokens);
    await awaitAuditSealed(ctx);
    const bearer = await bearerCallerHeaders(ctx);
    const load = await introspectLoad(ctx, `introspect ${tokens.length} tokens`, tokens, ACTIVE, true, bearer);
    const label = `(2) introspect: ${tokens.length} distinct tokens`;
    return [{ id: 'intro-many', label, load, target: { minReference: 0.8 } }];
  },
};

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/**
 * Distinct garbage of four shapes, a quarter each: opaque strings, three
 * random segments, a real token re-labelled with an unknown kid, and a real
 * token with a changed claim (passes every cheap check, fails the RSA
 * signature: the most expensive kind of garbage).
 */
function garbage(real: string, count: number): string[] {
  const [header, payload, signature] = real.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const kinds = [
    () => randomBytes(32).toString('base64url'),
    () => [randomBytes(24), randomBytes(64), randomBytes(32)].map(b64).join('.'),
    () =>
      [
        b64(JSON.stringify({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), kid: randomUUID() })),
        payload,
        signature,
      ].join('.'),
    () => [header, b64(JSON.stringify({ ...claims, jti: randomUUID() })), signature].join('.'),
  ];
  return Array.from({ length: count }, (_, i) => kinds[i % kinds.length]());
}

/** Opaque garbage with the prefixes that route to storage-backed checks (refresh tokens, API keys). */
function prefixedGarbage(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${i % 2 === 0 ? 'rt_' : 'ak_'}${randomBytes(32).toString('base64url')}`,
  );
}

/**
 * (3) Garbage and revoked tokens: must all be exactly {"active":false}, without a query per request where
 * avoidable.
 */
export const introspectInvalid: Part = {
  id: 'intro-invalid',
  title: 'introspection, garbage and revoked tokens',
  needs: ['introspect'],
  async run(ctx) {
    const real = await clientToken(ctx.service.url, ctx.seeded.cc);
    const rows = [];
    const junk = await introspectLoad(ctx, 'introspect garbage', garbage(real, ctx.options.tokens), INACTIVE);
    rows.push({ id: 'intro-garbage', label: '(3a) introspect: garbage JWTs/opaque', load: junk, target: {} });
    const prefixed = await introspectLoad(
      ctx,
      'introspect rt_/ak_ garbage',
      prefixedGarbage(ctx.options.tokens),
      INACTIVE,
    );
    rows.push({
      id: 'intro-garbage-prefixed',
      label: '(3b) introspect: garbage rt_/ak_',
      load: prefixed,
      target: {},
      note: 'refresh-token lookups go to the database by design',
    });
    if (ctx.features.revoke) {
      const revoked = await clientTokens(ctx, 'revoked', Math.min(ctx.options.tokens, 1_000));
      await mapLimit(revoked, 16, (t) => revoke(ctx.service.url, ctx.seeded.cc, t));
      const load = await introspectLoad(ctx, `introspect ${revoked.length} revoked tokens`, revoked, INACTIVE);
      rows.push({ id: 'intro-revoked', label: `(3c) introspect: ${revoked.length} revoked tokens`, load, target: {} });
    }
    return rows;
  },
};

/**
 * (4) Introspection latency while password grants (bcrypt cost 12 hashes)
 * run flat out from a second autocannon process: bcrypt runs on libuv's
 * pool, so the event loop should stay responsive.
 */
export const introspectUnderLogin: Part = {
  id: 'intro-under-login',
  title: 'introspection under password-grant load',
  needs: ['introspect'],
  async run(ctx) {
    const token = await clientToken(ctx.service.url, ctx.seeded.cc);
    const logins = ctx.seeded.loginUsers.map(
      (u) =>
        `grant_type=password&client_id=cli&username=${encodeURIComponent(u.username)}` +
        `&password=${encodeURIComponent(u.password)}`,
    );
    const [intro, login] = await Promise.all([
      introspectLoad(ctx, 'introspect during password load', [token], ACTIVE, false),
      ctx.load(
        {
          title: 'password grants (cost 12) on the side',
          path: '/oauth/token',
          method: 'POST',
          headers: { 'content-type': FORM },
          bodies: logins,
          expectInBody: '"access_token"',
          // Enough to keep bcrypt's pool busy without outgrowing the login queue's bound
          // (LOGIN_QUEUE_MAX_WAIT_MS, 2 s): past it the queue answers 503 by design, and those are not logins.
          connections: 4,
          // Outlasts the introspection window on both ends.
          duration: ctx.options.duration + 2,
        },
        { countSql: false },
      ),
    ]);
    return [
      {
        id: 'intro-under-login',
        label: '(4) introspect during password grants',
        load: intro,
        target: { maxP99Ms: 25 },
      },
      { id: 'password-side', label: '    password grants on the side (cost 12)', load: login, target: {} },
    ];
  },
};
