import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createVerifier, httpbis } from 'http-message-signatures';
import { nonceBits, ProfileViolation, readSignature } from './signature-profile';

/** RFC 9421 Appendix B.2.5: HMAC-SHA256 over the test request, with the RFC's shared secret. */
const RFC_SECRET = Buffer.from(
  'uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==',
  'base64',
);
const RFC_REQUEST = {
  method: 'POST',
  url: 'https://example.com/foo?param=Value&Pet=dog',
  headers: {
    host: 'example.com',
    date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'content-type': 'application/json',
    'content-length': '18',
    'signature-input': 'sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"',
    signature: 'sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:',
  },
};

describe('http-message-signatures against the RFC 9421 test vectors', () => {
  it('builds the B.2.5 signature base and verifies its HMAC-SHA256 signature', async () => {
    const lines = httpbis.createSignatureBase({ fields: ['date', '@authority', 'content-type'] }, RFC_REQUEST);
    assert.equal(
      httpbis.formatSignatureBase(lines),
      '"date": Tue, 20 Apr 2021 02:07:55 GMT\n"@authority": example.com\n"content-type": application/json',
    );
    const verify = createVerifier(RFC_SECRET, 'hmac-sha256');
    const ok = await httpbis.verifyMessage(
      { keyLookup: async () => ({ id: 'test-shared-secret', algs: ['hmac-sha256'], verify }) },
      RFC_REQUEST,
    );
    assert.equal(ok, true);
  });

  it('refuses the B.2.5 signature once a covered header changes', async () => {
    const verify = createVerifier(RFC_SECRET, 'hmac-sha256');
    const tampered = { ...RFC_REQUEST, headers: { ...RFC_REQUEST.headers, 'content-type': 'text/plain' } };
    const ok = await httpbis.verifyMessage(
      { keyLookup: async () => ({ id: 'test-shared-secret', algs: ['hmac-sha256'], verify }) },
      tampered,
    );
    assert.equal(ok, false);
  });
});

const NOW = 1_800_000_000;
const NONCE = randomBytes(16).toString('base64url');

function signed(
  overrides: { params?: string; components?: string; method?: string; lines?: string[] } = {},
): [string, string, string] {
  const components = overrides.components ?? '"@method" "@target-uri" "content-digest"';
  const params =
    overrides.params ??
    `created=${NOW};expires=${NOW + 300};nonce="${NONCE}";keyid="k1";alg="hmac-sha256";tag="auth-service"`;
  const member = `(${components});${params}`;
  const lines = overrides.lines ?? [
    `"@method": ${overrides.method ?? 'POST'}`,
    '"@target-uri": https://svc.example/x',
    '"content-digest": sha-256=:abc=:',
  ];
  const base = [...lines, `"@signature-params": ${member}`].join('\n');
  const mac = createHmac('sha256', 'secret').update(base).digest('base64');
  return [`sig1=${member}`, `sig1=:${mac}:`, base];
}

describe('readSignature (the contract profile)', () => {
  it('reads a well-formed signature', () => {
    const claims = readSignature(...signed());
    assert.equal(claims.keyid, 'k1');
    assert.equal(claims.nonce, NONCE);
    assert.equal(claims.created, NOW);
    assert.equal(claims.expires, NOW + 300);
    assert.equal(claims.mac.length, 32);
  });

  const refused: [string, () => [string, string, string]][] = [
    [
      'another alg',
      () =>
        signed({
          params: `created=${NOW};expires=${NOW + 60};nonce="${NONCE}";keyid="k1";alg="hmac-sha512";tag="auth-service"`,
        }),
    ],
    [
      'another tag',
      () =>
        signed({ params: `created=${NOW};expires=${NOW + 60};nonce="${NONCE}";keyid="k1";alg="hmac-sha256";tag="x"` }),
    ],
    [
      'expires > 300 s after created',
      () =>
        signed({
          params:
            `created=${NOW};expires=${NOW + 301};nonce="${NONCE}";` + 'keyid="k1";alg="hmac-sha256";tag="auth-service"',
        }),
    ],
    [
      'a short nonce',
      () =>
        signed({
          params: `created=${NOW};expires=${NOW + 60};nonce="abcdef";keyid="k1";alg="hmac-sha256";tag="auth-service"`,
        }),
    ],
    [
      'no keyid',
      () =>
        signed({ params: `created=${NOW};expires=${NOW + 60};nonce="${NONCE}";alg="hmac-sha256";tag="auth-service"` }),
    ],
    [
      'no created',
      () => signed({ params: `expires=${NOW + 60};nonce="${NONCE}";keyid="k1";alg="hmac-sha256";tag="auth-service"` }),
    ],
    [
      'a POST without content-digest',
      () =>
        signed({
          components: '"@method" "@target-uri"',
          lines: ['"@method": POST', '"@target-uri": https://svc.example/x'],
        }),
    ],
    [
      'no @target-uri',
      () =>
        signed({
          components: '"@method" "content-digest"',
          lines: ['"@method": POST', '"content-digest": sha-256=:abc=:'],
        }),
    ],
    [
      'base lines out of order',
      () =>
        signed({
          lines: ['"@target-uri": https://svc.example/x', '"@method": POST', '"content-digest": sha-256=:abc=:'],
        }),
    ],
    [
      'a base with an extra line',
      () =>
        signed({
          lines: [
            '"@method": POST',
            '"@target-uri": https://svc.example/x',
            '"content-digest": sha-256=:abc=:',
            '"x": y',
          ],
        }),
    ],
  ];
  for (const [name, make] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => readSignature(...make()), ProfileViolation));
  }

  it('accepts a GET without content-digest', () => {
    const claims = readSignature(
      ...signed({
        components: '"@method" "@target-uri"',
        method: 'GET',
        lines: ['"@method": GET', '"@target-uri": https://svc.example/x'],
      }),
    );
    assert.deepEqual(claims.components, ['"@method"', '"@target-uri"']);
  });

  it('refuses two signatures, different labels and a params line that differs from Signature-Input', () => {
    const [input, signature, base] = signed();
    assert.throws(() => readSignature(`${input}, sig2=("@method")`, signature, base), ProfileViolation);
    assert.throws(() => readSignature(input, signature.replace('sig1', 'sig2'), base), ProfileViolation);
    assert.throws(() => readSignature(input, signature, base.replace('keyid="k1"', 'keyid="k2"')), ProfileViolation);
    assert.throws(() => readSignature('not a dictionary ((', signature, base), ProfileViolation);
  });

  it('counts nonce bits by alphabet', () => {
    assert.equal(nonceBits('a'.repeat(32)), 128);
    assert.equal(nonceBits('Z'.repeat(22)), 132);
    assert.equal(nonceBits('with space'), 0);
  });
});
