import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, matchTotp, totpAt } from './totp';

describe('totp', () => {
  // RFC 6238 Appendix B, SHA-1 secret "12345678901234567890", 8 digits truncated to 6.
  const secret = base32Encode(Buffer.from('12345678901234567890'));

  it('matches the RFC 6238 test vectors (last 6 digits)', () => {
    assert.equal(totpAt(secret, Math.floor(59 / 30)), '287082');
    assert.equal(totpAt(secret, Math.floor(1111111109 / 30)), '081804');
    assert.equal(totpAt(secret, Math.floor(1234567890 / 30)), '005924');
  });
  it('round-trips base32', () => {
    assert.equal(base32Decode(secret).toString(), '12345678901234567890');
  });
  it('allows one step of drift and no more', () => {
    const now = 1234567890 * 1000;
    const step = Math.floor(1234567890 / 30);
    assert.equal(matchTotp(secret, totpAt(secret, step - 1), now), step - 1);
    assert.equal(matchTotp(secret, totpAt(secret, step + 1), now), step + 1);
    assert.equal(matchTotp(secret, totpAt(secret, step + 2), now), null);
    assert.equal(matchTotp(secret, 'abcdef', now), null);
  });
});
