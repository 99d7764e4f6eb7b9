import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JsonWebKey } from 'node:crypto';
import { KeyRing } from '../../src/tokens/key-ring.service';
import { LoadedKey } from '../../src/tokens/signing-key.types';
import { createUser, login } from '../factories';
import { postForm } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';
import { assertProblem, INTERNAL_MARKERS, Res } from './support/contract';
import { getWithBearer, introspect, Introspector, makeIntrospector } from './support/fixtures';
import { attackerRsaKey, b64url, encodePart, forge, Json, resign, Signer, splitJwt } from './support/jwt-forge';

/**
 * Forged and doctored access tokens. Each one must be refused everywhere a
 * token is accepted: introspection answers exactly `{"active": false}`, and
 * the protected /v1 routes answer 401 in problem+json. Tokens signed with
 * the service's own key (taken from the running app) isolate the claim
 * checks from the signature check: if such a token is refused, it is the
 * claim under test that refused it.
 */
describe('security: JWT attacks', () => {
  let app: TestApp;
  let caller: Introspector;
  let genuine: string;
  let ours: LoadedKey;
  let attacker: ReturnType<typeof attackerRsaKey>;
  let attackerJwk: JsonWebKey;
  let spy: Server;
  let spyUrl: string;
  const spyHits: string[] = [];
  const PROTECTED = ['/v1/me', '/v1/roles'];

  const ourSigner = (): Signer => ({ kind: 'rsa', alg: 'RS256', key: ours.privateKey });
  const attackerSigner = (): Signer => ({ kind: 'rsa', alg: 'RS256', key: attacker.privateKey });
  const now = (): number => Math.floor(Date.now() / 1000);

  before(async () => {
    app = await startTestApp();
    caller = await makeIntrospector(app);
    // A reader: /v1/me needs any user token, /v1/roles needs roles:read, so both accept the genuine token.
    genuine = (await login(app, await createUser(app, { roles: ['reader'] }))).access_token;
    ours = app.get(KeyRing).signer();
    attacker = attackerRsaKey();
    attackerJwk = { ...attacker.publicKey.export({ format: 'jwk' }), kid: ours.kid, alg: 'RS256', use: 'sig' };
    // Serves the attacker's JWKS: the service must never fetch it (jku/x5u are not honoured).
    spy = createServer((req, res) => {
      spyHits.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [attackerJwk] }));
    });
    await new Promise<void>((resolve) => spy.listen(0, '127.0.0.1', resolve));
    spyUrl = `http://127.0.0.1:${(spy.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => spy.close(() => resolve()));
    await app.close();
  });

  function assertNoInternals(label: string, res: Res): void {
    for (const m of INTERNAL_MARKERS) assert.ok(!m.test(res.text), `${label}: internal detail in ${res.text}`);
  }

  /** Inactive at introspection (exactly `{"active": false}`) and 401 problem+json on every protected route. */
  async function assertRejected(label: string, token: string): Promise<void> {
    const answer = await introspect(app, caller, token);
    assert.equal(answer.status, 200, `${label}: introspection status ${answer.status} ${answer.text}`);
    assert.deepEqual(answer.body, { active: false }, `${label}: introspection said ${answer.text}`);
    for (const path of PROTECTED) {
      const res = await getWithBearer(app, path, token);
      assert.equal(res.status, 401, `${label}: GET ${path} answered ${res.status} ${res.text}`);
      assertProblem(res, 401);
      assertNoInternals(label, res);
    }
  }

  async function assertAccepted(label: string, token: string): Promise<void> {
    const answer = await introspect(app, caller, token);
    assert.equal((answer.body as Json).active, true, `${label}: ${answer.text}`);
    for (const path of PROTECTED)
      assert.equal((await getWithBearer(app, path, token)).status, 200, `${label}: GET ${path}`);
  }

  it('control: the genuine token, and the same claims re-signed with our key by the forger, are accepted', async () => {
    // Proves the forger builds valid tokens, so every refusal below is caused by the attack itself.
    await assertAccepted('genuine', genuine);
    await assertAccepted('re-signed', resign(genuine, {}, ourSigner()));
  });

  it('alg "none" (unsigned) is refused, whatever its spelling and signature part', async () => {
    const { header, payload, signature } = splitJwt(genuine);
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await assertRejected(`alg ${alg}, empty signature`, forge({ ...header, alg }, payload, { kind: 'none' }));
      await assertRejected(
        `alg ${alg}, original signature`,
        forge({ ...header, alg }, payload, { kind: 'none', signature }),
      );
      await assertRejected(
        `alg ${alg}, no kid`,
        forge({ typ: 'at+jwt', alg }, payload, { kind: 'none', signature: 'AA' }),
      );
    }
  });

  it('HS256 signed with our RSA public key (key confusion) is refused: PEM, DER, JWK n, whole JWK', async () => {
    const { header, payload } = splitJwt(genuine);
    const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as {
      keys: (JsonWebKey & { kid: string })[];
    };
    const jwk = jwks.keys.find((k) => k.kid === ours.kid);
    assert.ok(jwk?.n, 'our key is published in JWKS');
    const secrets: [string, string | Buffer][] = [
      ['PEM spki', ours.publicKey.export({ format: 'pem', type: 'spki' }).toString()],
      ['PEM pkcs1', ours.publicKey.export({ format: 'pem', type: 'pkcs1' }).toString()],
      ['PEM without trailing newline', ours.publicKey.export({ format: 'pem', type: 'spki' }).toString().trim()],
      ['DER spki', ours.publicKey.export({ format: 'der', type: 'spki' })],
      ['JWK n as text', jwk.n],
      ['JWK n decoded', Buffer.from(jwk.n, 'base64url')],
      ['whole JWK JSON', JSON.stringify(jwk)],
    ];
    for (const [name, secret] of secrets) {
      for (const alg of ['HS256', 'HS512'] as const) {
        await assertRejected(`${alg} with ${name}`, forge({ ...header, alg }, payload, { kind: 'hmac', alg, secret }));
      }
    }
  });

  it('an unknown, missing or malformed kid is refused', async () => {
    const { header, payload } = splitJwt(genuine);
    const kids: unknown[] = [
      'unknown-kid',
      '',
      ' ',
      42,
      ['a'],
      { kid: ours.kid },
      null,
      `${ours.kid} `,
      ours.kid.toUpperCase(),
      'k'.repeat(5_000),
    ];
    for (const kid of kids) {
      await assertRejected(
        `kid ${JSON.stringify(kid).slice(0, 40)}`,
        forge({ ...header, kid }, payload, attackerSigner()),
      );
    }
    const { kid: _kid, ...noKid } = header;
    await assertRejected('no kid, attacker key', forge(noKid, payload, attackerSigner()));
    await assertRejected('no kid, our key', forge(noKid, payload, ourSigner()));
  });

  it('kid with path traversal or SQL is refused and harms nothing', async () => {
    const { header, payload } = splitJwt(genuine);
    const kids = [
      '../../etc/passwd',
      '../../../../../../../../dev/null',
      '/dev/null',
      '..%2F..%2Fetc%2Fpasswd',
      "' OR '1'='1",
      "x' UNION SELECT 'secret' --",
      "'; DROP TABLE signing_keys; --",
      '"; DROP TABLE users; --',
      'a\u0000b',
      '${jndi:ldap://127.0.0.1/a}',
      `${ours.kid}' --`,
    ];
    for (const kid of kids) {
      // The classic /dev/null trick signs with an empty HMAC key; the attacker's RSA key covers lookups that "succeed".
      await assertRejected(
        `kid ${kid} (HS256 empty key)`,
        forge({ ...header, kid, alg: 'HS256' }, payload, { kind: 'hmac', alg: 'HS256', secret: '' }),
      );
      await assertRejected(`kid ${kid} (attacker RSA)`, forge({ ...header, kid }, payload, attackerSigner()));
    }
    // The keys table is intact and our key still verifies.
    await assertAccepted('genuine after kid injection', genuine);
  });

  it('jku, x5u, jwk and x5c headers are ignored: an attacker-signed token with its own key is refused', async () => {
    const { header, payload } = splitJwt(genuine);
    const attackerKid = { ...header, kid: 'attacker-key' };
    const forged: [string, Json][] = [
      ['embedded jwk with our kid', { ...header, jwk: attackerJwk }],
      ['embedded jwk without kid', { typ: 'at+jwt', alg: 'RS256', jwk: attackerJwk }],
      ['embedded jwk with its own kid', { ...attackerKid, jwk: { ...attackerJwk, kid: 'attacker-key' } }],
      ['jku to the attacker JWKS', { ...attackerKid, jku: `${spyUrl}/jwks.json` }],
      ['jku with our kid', { ...header, jku: `${spyUrl}/jwks.json` }],
      ['x5u to the attacker', { ...attackerKid, x5u: `${spyUrl}/cert.pem` }],
      ['x5c garbage chain', { ...header, x5c: [b64url('not a certificate')] }],
    ];
    for (const [name, h] of forged) await assertRejected(name, forge(h, payload, attackerSigner()));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(spyHits, [], 'the service fetched a URL named in a token header');
  });

  it('a genuine token with extra jku/x5u headers still verifies only against our keys (no fetch)', async () => {
    const withJku = resign(
      genuine,
      { header: (h) => ({ ...h, jku: `${spyUrl}/jwks.json`, x5u: `${spyUrl}/cert.pem` }) },
      ourSigner(),
    );
    await assertAccepted('genuine + jku', withJku);
    // The same header with the attacker's signature: jku would "vouch" for it if it were honoured.
    await assertRejected('attacker + jku', resign(withJku, {}, attackerSigner()));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(spyHits, [], 'the service fetched a URL named in a token header');
  });

  it('expired and not-yet-valid tokens are refused, even when signed with our key', async () => {
    const t = now();
    await assertRejected(
      'expired',
      resign(genuine, { payload: (p) => ({ ...p, iat: t - 1000, nbf: t - 1000, exp: t - 100 }) }, ourSigner()),
    );
    await assertRejected('expired 1 s ago', resign(genuine, { payload: (p) => ({ ...p, exp: t - 1 }) }, ourSigner()));
    await assertRejected(
      'nbf in the future',
      resign(genuine, { payload: (p) => ({ ...p, nbf: t + 600, exp: t + 1200 }) }, ourSigner()),
    );
    await assertRejected(
      'exp as a string',
      resign(genuine, { payload: (p) => ({ ...p, exp: String(t + 900) }) }, ourSigner()),
    );
    await assertRejected('no exp', resign(genuine, { payload: ({ exp: _exp, ...p }) => p }, ourSigner()));
  });

  it('a wrong iss, or an empty or missing aud, is refused, even when signed with our key', async () => {
    const issuer = app.config.issuer;
    for (const iss of [
      'https://evil.example',
      `${issuer}/`,
      `${issuer}.evil.example`,
      issuer.toUpperCase(),
      '',
      null,
    ]) {
      await assertRejected(`iss ${String(iss)}`, resign(genuine, { payload: (p) => ({ ...p, iss }) }, ourSigner()));
    }
    await assertRejected('no iss', resign(genuine, { payload: ({ iss: _iss, ...p }) => p }, ourSigner()));
    for (const aud of ['', [], null]) {
      await assertRejected(
        `aud ${JSON.stringify(aud)}`,
        resign(genuine, { payload: (p) => ({ ...p, aud }) }, ourSigner()),
      );
    }
    await assertRejected('no aud', resign(genuine, { payload: ({ aud: _aud, ...p }) => p }, ourSigner()));
  });

  it("another service's audience: refused by this service's own API, and introspected with that aud", async () => {
    // Token exchange (RFC 8693) issues tokens for other services: introspection answers for them, naming the
    // audience, and the resource server checks it (RFC 7662 §2.2); /v1 accepts only its own audience.
    for (const aud of ['https://other-api.example', ['https://other-api.example']]) {
      const token = resign(genuine, { payload: (p) => ({ ...p, aud }) }, ourSigner());
      const answer = await introspect(app, caller, token);
      assert.equal((answer.body as Json).active, true, answer.text);
      assert.deepEqual((answer.body as Json).aud, aud);
      for (const path of PROTECTED) {
        const res = await getWithBearer(app, path, token);
        assert.equal(res.status, 401, `aud ${JSON.stringify(aud)}: GET ${path} answered ${res.status}`);
        assertProblem(res, 401);
      }
    }
  });

  it('a typ other than at+jwt is refused (RFC 9068 §4), even when signed with our key', async () => {
    for (const typ of ['JWT', 'jwt', 'application/jwt', 'at+jwt ', 'JOSE', '', 1]) {
      await assertRejected(`typ ${String(typ)}`, resign(genuine, { header: (h) => ({ ...h, typ }) }, ourSigner()));
    }
    await assertRejected('no typ', resign(genuine, { header: ({ typ: _typ, ...h }) => h }, ourSigner()));
  });

  it('a stripped or truncated signature is refused', async () => {
    const [h, p, s] = genuine.split('.');
    await assertRejected('empty signature', `${h}.${p}.`);
    await assertRejected('two parts', `${h}.${p}`);
    await assertRejected('truncated signature', `${h}.${p}.${s.slice(0, -10)}`);
    await assertRejected('zeroed signature', `${h}.${p}.${b64url(Buffer.alloc(256))}`);
    await assertRejected('JWE-like five parts', `${h}.${p}.${s}.AA.AA`);
  });

  it('a tampered payload (scope escalated) under the original signature is refused', async () => {
    const [h, , s] = genuine.split('.');
    const { payload } = splitJwt(genuine);
    const escalated = { ...payload, scope: 'users:write roles:write signing_keys:write', roles: ['admin'] };
    await assertRejected('scope escalated', `${h}.${encodePart(escalated)}.${s}`);
    await assertRejected(
      'sub swapped',
      `${h}.${encodePart({ ...payload, sub: '00000000-0000-0000-0000-000000000000' })}.${s}`,
    );
    await assertRejected(
      'exp extended',
      `${h}.${encodePart({ ...payload, exp: (payload.exp as number) + 86_400 })}.${s}`,
    );
  });

  it('a token signed by a different RSA key that claims our kid is refused', async () => {
    await assertRejected('attacker key, our kid', resign(genuine, {}, attackerSigner()));
    await assertRejected(
      'attacker key, our kid, escalated',
      resign(genuine, { payload: (p) => ({ ...p, scope: 'users:write', roles: ['admin'] }) }, attackerSigner()),
    );
  });

  it('another alg with our own key (RS512, PS256) or a crit header is refused', async () => {
    // The alg must equal the one registered for the kid: no algorithm negotiation by the token.
    await assertRejected(
      'RS512',
      resign(genuine, { header: (h) => ({ ...h, alg: 'RS512' }) }, { kind: 'rsa', alg: 'RS512', key: ours.privateKey }),
    );
    await assertRejected(
      'PS256',
      resign(genuine, { header: (h) => ({ ...h, alg: 'PS256' }) }, { kind: 'rsa', alg: 'PS256', key: ours.privateKey }),
    );
    // RFC 7515 §4.1.11: an extension we do not understand listed in crit must be refused.
    await assertRejected(
      'crit',
      resign(genuine, { header: (h) => ({ ...h, crit: ['x-unknown'], 'x-unknown': true }) }, ourSigner()),
    );
  });

  it("a forged token carrying a victim's jti and sid revokes nothing at /oauth/revoke", async () => {
    // If revocation trusted an unverified token, anyone could log anyone out (or kill a family).
    const victim = await login(app, await createUser(app, { roles: ['reader'] }));
    const forged = resign(victim.access_token, {}, attackerSigner());
    const noneAlg = resign(victim.access_token, { header: (h) => ({ ...h, alg: 'none' }) }, { kind: 'none' });
    for (const token of [forged, noneAlg]) {
      const res = await postForm(`${app.url}/oauth/revoke`, { client_id: app.config.bootstrapClientId, token });
      assert.equal(res.status, 200, res.text);
    }
    await assertAccepted('victim after forged revocations', victim.access_token);
  });

  it('JWKS publishes no private key material', async () => {
    const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as { keys: Json[] };
    assert.ok(jwks.keys.length > 0);
    for (const key of jwks.keys) {
      for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'])
        assert.equal(key[priv], undefined, `JWKS key has private member ${priv}`);
    }
  });
});
