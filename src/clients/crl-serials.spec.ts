import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseSerial, revokedSerials } from './crl-serials';

/** A CRL made by `openssl ca -gencrl` (test/support/pki.ts) after revoking serial 0x1003. */
const CRL = `-----BEGIN X509 CRL-----
MIHGMG4wCgYIKoZIzj0EAwIwKzESMBAGA1UECgwJQXV0aCBUZXN0MRUwEwYDVQQD
DAxBdXRoIFRlc3QgQ0EXDTI2MTEyODE5NTEwOVoXDTI2MTEyOTE5NTEwOVowFTAT
AgIQAxcNMjYxMTI4MTk1MTA5WjAKBggqhkjOPQQDAgNIADBFAiBJ4gxqEVdSJV5p
LbMIe6Zd+rMHxjLhPmd8cnqI2exalwIhAJsRAxNEeig9ZxSCWvvOOKPln4CAb3+w
mFB0GW3wxK3j
-----END X509 CRL-----
`;

describe('revokedSerials (CRL reader)', () => {
  it('lists the revoked serial of an openssl CRL, and not another', () => {
    const serials = revokedSerials(Buffer.from(CRL));
    assert.deepEqual([...serials], ['1003']);
  });

  it('reads the same CRL in DER form', () => {
    const der = Buffer.from(CRL.replace(/-----[A-Z0-9 ]+-----|\s/g, ''), 'base64');
    assert.deepEqual([...revokedSerials(der)], ['1003']);
  });

  it('spells serials as X509Certificate.serialNumber does', () => {
    assert.equal(normaliseSerial('00ab01'), 'AB01');
    assert.equal(normaliseSerial('00'), '0');
  });

  it('throws on a file that is not a CRL rather than reading it as empty', () => {
    assert.throws(() => revokedSerials(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')));
    assert.throws(() => revokedSerials(Buffer.from([0x30, 0x05, 0x30])));
  });
});
