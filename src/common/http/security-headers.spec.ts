import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecurityHeaders } from './security-headers';

describe('SecurityHeaders', () => {
  const headers = new SecurityHeaders('https://auth.example.com', true);

  it("carries helmet's API set and a deny-all CSP on API paths", () => {
    const api = headers.forPath('/oauth/introspect');
    assert.equal(api['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    assert.equal(api['x-content-type-options'], 'nosniff');
    assert.equal(api['x-frame-options'], 'DENY');
    assert.equal(api['referrer-policy'], 'no-referrer');
    assert.equal(api['cross-origin-resource-policy'], 'same-origin');
    assert.equal(
      api['content-security-policy'],
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    for (const name of Object.keys(api))
      assert.equal(name, name.toLowerCase(), 'names are lower-case, as Node sends them');
  });

  it('leaves out what only protects HTML documents in old browsers', () => {
    const api = headers.forPath('/v1/users');
    for (const name of [
      'x-xss-protection',
      'x-dns-prefetch-control',
      'x-download-options',
      'x-permitted-cross-domain-policies',
      'origin-agent-cluster',
    ]) {
      assert.equal(api[name], undefined, name);
    }
  });

  it('relaxes the CSP for /docs only, to what swagger-ui needs', () => {
    const docs = headers.forPath('/docs/swagger-ui.css')['content-security-policy'];
    assert.match(docs, /script-src 'self'/);
    assert.match(docs, /connect-src 'self' https:\/\/auth\.example\.com/);
    assert.doesNotMatch(headers.forPath('/docsx')['content-security-policy'], /script-src/);
  });

  it('sends HSTS only when the service speaks TLS', () => {
    const plain = new SecurityHeaders('http://localhost:3000', false);
    assert.equal(plain.forPath('/oauth/token')['strict-transport-security'], undefined);
    assert.equal(plain.forPath('/docs')['strict-transport-security'], undefined);
    assert.equal(plain.forPath('/oauth/token')['x-content-type-options'], 'nosniff');
  });

  it('hands out frozen objects, built once', () => {
    assert.equal(headers.forPath('/a'), headers.forPath('/b'));
    assert.ok(Object.isFrozen(headers.forPath('/a')));
  });
});
