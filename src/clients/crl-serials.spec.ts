import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { makePki } from '../../test/support/pki';
import { revokedSerials } from './crl-serials';

describe('revokedSerials (CRL reader)', () => {
  const pki = makePki();

  it('lists the revoked certificate of an openssl CRL, and not the valid one', () => {
    const serials = revokedSerials(readFileSync(pki.crlFile));
    assert.ok(serials.has(new X509Certificate(pki.revoked.certPem).serialNumber));
    assert.ok(!serials.has(new X509Certificate(pki.client.certPem).serialNumber));
  });

  it('throws on a file that is not a CRL rather than reading it as empty', () => {
    assert.throws(() => revokedSerials(Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')));
    assert.throws(() => revokedSerials(Buffer.from([0x30, 0x05, 0x30])));
  });
});
