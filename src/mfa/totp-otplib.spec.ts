import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateSync, verifySync } from 'otplib';
import { base32Encode, currentStep, matchTotp, newTotpSecret, otpauthUri, TOTP_STEP_SECONDS, totpAt } from './totp';

/**
 * We keep our own RFC 6238 implementation (src/mfa/totp.ts: 40 lines of
 * node:crypto, no dependency in the login path, step-exact so replay
 * protection can store the matched step) and use otplib, a widely used
 * authenticator-compatible library, as an independent oracle: if both
 * agree on many secrets and times, codes from authenticator apps verify.
 */
describe('totp agrees with otplib', () => {
  it('generates the same codes for fresh secrets at many instants', () => {
    for (let i = 0; i < 25; i++) {
      const secret = newTotpSecret();
      const epoch = 1_000_000_000 + i * 7_777_777;
      assert.equal(totpAt(secret, Math.floor(epoch / TOTP_STEP_SECONDS)), generateSync({ secret, epoch }), `secret #${i}`);
    }
  });

  it('matches the RFC 6238 vectors as otplib does', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890'));
    for (const epoch of [59, 1_111_111_109, 1_111_111_111, 1_234_567_890, 2_000_000_000]) {
      assert.equal(totpAt(secret, Math.floor(epoch / TOTP_STEP_SECONDS)), generateSync({ secret, epoch }));
    }
  });

  it('accepts a code otplib generates now, and otplib accepts ours', () => {
    const secret = newTotpSecret();
    const now = Date.now();
    assert.equal(matchTotp(secret, generateSync({ secret, epoch: Math.floor(now / 1000) }), now), currentStep(now));
    assert.equal(verifySync({ secret, token: totpAt(secret, currentStep(now)), epoch: Math.floor(now / 1000) }).valid, true);
  });

  it('builds an otpauth URI with the parameters authenticator apps read', () => {
    const raw = otpauthUri('JBSWY3DPEHPK3PXP', 'çağrı', 'auth.example.com');
    assert.ok(raw.startsWith('otpauth://totp/'));
    const uri = new URL(raw);
    assert.equal(decodeURIComponent(raw.slice('otpauth://totp/'.length, raw.indexOf('?'))), 'auth.example.com:çağrı');
    assert.deepEqual(Object.fromEntries(uri.searchParams), { secret: 'JBSWY3DPEHPK3PXP', issuer: 'auth.example.com', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});
