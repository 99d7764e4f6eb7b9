import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { currentStep, matchTotp, newTotpSecret, otpauthUri, totpAt } from './totp';

/** RFC 6238 Appendix B: SHA-1 secret "12345678901234567890", base32. */
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** RFC 4226 §5.3 written out, only as an independent oracle for the library. */
function oracle(key: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('totp (otplib)', () => {
  it('matches the RFC 6238 test vectors (last 6 digits)', () => {
    assert.equal(totpAt(RFC_SECRET, Math.floor(59 / 30)), '287082');
    assert.equal(totpAt(RFC_SECRET, Math.floor(1111111109 / 30)), '081804');
    assert.equal(totpAt(RFC_SECRET, Math.floor(1234567890 / 30)), '005924');
    assert.equal(totpAt(RFC_SECRET, Math.floor(2000000000 / 30)), '279037');
  });

  it('agrees with an independent RFC 4226 computation for fresh 160-bit secrets', () => {
    const key = Buffer.from('12345678901234567890');
    for (let i = 0; i < 25; i++) {
      const step = 33_333_333 + i * 259_259;
      assert.equal(totpAt(RFC_SECRET, step), oracle(key, step), `step ${step}`);
    }
    const fresh = newTotpSecret();
    assert.match(fresh, /^[A-Z2-7]{32}$/, '20 bytes of base32');
    assert.notEqual(fresh, newTotpSecret());
  });

  it('allows one step of drift and no more, and returns the matched step', () => {
    const now = 1234567890 * 1000;
    const step = currentStep(now);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step), now), step);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 1), now), step - 1);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step + 1), now), step + 1);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step + 2), now), null);
    assert.equal(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 2), now), null);
  });

  it('refuses malformed codes without throwing', () => {
    const now = Date.now();
    for (const code of ['abcdef', '', '12345', '1234567', ' 12345', '１２３４５６', '12345\n']) {
      assert.equal(matchTotp(RFC_SECRET, code, now), null, JSON.stringify(code));
    }
  });

  it('builds an otpauth URI with the parameters authenticator apps read', () => {
    const raw = otpauthUri('JBSWY3DPEHPK3PXP', 'çağrı', 'auth.example.com');
    assert.ok(raw.startsWith('otpauth://totp/'));
    const uri = new URL(raw);
    assert.equal(decodeURIComponent(raw.slice('otpauth://totp/'.length, raw.indexOf('?'))), 'auth.example.com:çağrı');
    assert.equal(uri.searchParams.get('secret'), 'JBSWY3DPEHPK3PXP');
    assert.equal(uri.searchParams.get('issuer'), 'auth.example.com');
    // Key URI format: algorithm, digits and period may be left out when they are the defaults (SHA1, 6, 30).
    assert.ok([null, 'SHA1'].includes(uri.searchParams.get('algorithm')));
    assert.ok([null, '6'].includes(uri.searchParams.get('digits')));
    assert.ok([null, '30'].includes(uri.searchParams.get('period')));
  });
});
