import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './app-config';

describe('client certificate configuration (TLS_CLIENT_CERT_HEADER, TRUSTED_PROXIES)', () => {
  it('is off by default: no header, no trusted proxy', () => {
    const c = loadConfig({}).clientCertificates;
    assert.equal(c.header, undefined);
    assert.deepEqual(c.trustedProxies, []);
  });

  it('reads a header with its trusted proxies (IPs and CIDRs), lower-cased', () => {
    const c = loadConfig({
      TLS_CLIENT_CERT_HEADER: 'X-Client-Cert',
      TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,::1',
    }).clientCertificates;
    assert.equal(c.header, 'x-client-cert');
    assert.deepEqual(c.trustedProxies, ['10.0.0.0/8', '127.0.0.1', '::1']);
  });

  it('refuses a header without trusted proxies, a bad proxy address and a bad header name', () => {
    assert.throws(() => loadConfig({ TLS_CLIENT_CERT_HEADER: 'x-client-cert' }), /TLS_CLIENT_CERT_HEADER/);
    assert.throws(
      () => loadConfig({ TLS_CLIENT_CERT_HEADER: 'x-client-cert', TRUSTED_PROXIES: 'proxy.local' }),
      /TRUSTED_PROXIES/,
    );
    assert.throws(
      () => loadConfig({ TLS_CLIENT_CERT_HEADER: 'x client', TRUSTED_PROXIES: '127.0.0.1' }),
      /TLS_CLIENT_CERT_HEADER/,
    );
  });

  it('needs TLS or a forwarded header for TLS_CLIENT_CA_FILE', () => {
    assert.throws(() => loadConfig({ TLS_CLIENT_CA_FILE: __filename }), /TLS_CLIENT_CA_FILE/);
    const c = loadConfig({
      TLS_CLIENT_CA_FILE: __filename,
      TLS_CLIENT_CERT_HEADER: 'x-client-cert',
      TRUSTED_PROXIES: '127.0.0.1',
    });
    assert.equal(c.clientCertificates.caFile, __filename);
  });
});
