import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { certificateMatches, nodeSubjectRdns, PresentedCertificate, rfc4514Rdns } from './certificate-binding';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const day = 86_400_000;
const cert = (over: Partial<PresentedCertificate> = {}): PresentedCertificate => ({
  chained: true,
  subject: 'C=DE\nO=Fleet\nCN=svc-a',
  sanDns: ['svc-a.internal'],
  publicKey: key,
  validFrom: new Date(Date.now() - day),
  validTo: new Date(Date.now() + day),
  ...over,
});

describe('RFC 4514 subject DNs', () => {
  it('reads least-significant-first strings into Node order, case- and space-insensitively', () => {
    assert.deepEqual(rfc4514Rdns('CN=svc-a, O=Fleet,C=DE'), nodeSubjectRdns('C=DE\nO=Fleet\nCN=svc-a'));
    assert.deepEqual(rfc4514Rdns('cn=SVC-A,o=fleet,c=de'), ['C=de', 'O=fleet', 'CN=svc-a']);
  });

  it('keeps escaped commas inside a value', () => {
    assert.deepEqual(rfc4514Rdns('CN=a\\,b,O=x'), ['O=x', 'CN=a,b']);
    assert.deepEqual(rfc4514Rdns('CN=a\\2cb'), ['CN=a,b']);
  });
});

describe('certificateMatches', () => {
  it('tls_client_auth by subject DN needs a chained certificate with exactly that DN', () => {
    const binding = { method: 'tls_client_auth' as const, subjectDn: 'CN=svc-a,O=Fleet,C=DE' };
    assert.equal(certificateMatches(binding, cert()), true);
    assert.equal(certificateMatches(binding, cert({ chained: false })), false);
    assert.equal(certificateMatches(binding, cert({ subject: 'O=Fleet\nCN=svc-a' })), false);
    assert.equal(certificateMatches(binding, cert({ subject: 'C=DE\nO=Fleet\nCN=svc-b' })), false);
  });

  it('tls_client_auth by SAN DNS needs the name among the SANs', () => {
    const binding = { method: 'tls_client_auth' as const, sanDns: 'SVC-A.internal' };
    assert.equal(certificateMatches(binding, cert()), true);
    assert.equal(certificateMatches(binding, cert({ sanDns: ['svc-b.internal'] })), false);
    assert.equal(certificateMatches({ method: 'tls_client_auth' }, cert()), false);
  });

  it('self_signed_tls_client_auth needs a registered key and a certificate within its validity, not a chain', () => {
    const binding = { method: 'self_signed_tls_client_auth' as const, jwks: [otherKey, key] };
    assert.equal(certificateMatches(binding, cert({ chained: false })), true);
    assert.equal(certificateMatches({ ...binding, jwks: [otherKey] }, cert()), false);
    assert.equal(certificateMatches(binding, cert({ validTo: new Date(Date.now() - 1) })), false);
    assert.equal(certificateMatches({ ...binding, jwks: [] }, cert()), false);
  });
});
