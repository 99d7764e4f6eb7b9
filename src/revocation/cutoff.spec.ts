import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { timeOrderedUuid } from '../common/crypto/time-ordered-id';
import { cutOff, issuedAtMs } from './cutoff';

describe('user cutoff rule', () => {
  const second = Date.UTC(2026, 10, 28, 12, 0, 0);
  const cutoff = second + 400; // a user disabled 400 ms into a second

  it('kills a token issued before the cutoff within the same second', () => {
    assert.equal(cutOff(cutoff, { jti: timeOrderedUuid(second + 399), iat: second / 1000 }), true);
    const atCutoff = { jti: timeOrderedUuid(cutoff), iat: second / 1000 };
    assert.equal(cutOff(cutoff, atCutoff), true, 'at the cutoff counts as before it');
  });

  it('spares a token issued after the cutoff within the same second (re-enabled, logged in again)', () => {
    assert.equal(cutOff(cutoff, { jti: timeOrderedUuid(second + 401), iat: second / 1000 }), false);
  });

  it('judges a token with only a whole-second iat as issued at the start of its second (fail closed)', () => {
    assert.equal(cutOff(cutoff, { jti: randomUUID(), iat: second / 1000 }), true);
    assert.equal(cutOff(cutoff, { iat: second / 1000 + 1 }), false);
    assert.equal(cutOff(cutoff, { iat: second / 1000 - 1 }), true);
  });

  it('prefers a known exact issue time (a refresh token row) and kills a token that tells none', () => {
    assert.equal(cutOff(cutoff, { issuedAtMs: cutoff + 1, iat: second / 1000 }), false);
    assert.equal(cutOff(cutoff, { issuedAtMs: cutoff - 1 }), true);
    assert.equal(cutOff(cutoff, {}), true);
    assert.equal(issuedAtMs({ jti: timeOrderedUuid(second + 5) }), second + 5);
  });
});
