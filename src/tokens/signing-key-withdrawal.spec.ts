import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withdrawalUntil } from './signing-key-withdrawal.service';

const NOW = 1_800_000_000_000;
const TTL = 900;
const MAX_AGE = 300;
const at = (secondsFromNow: number): Date => new Date(NOW + secondsFromNow * 1000);
const seconds = (ms: number): number => Math.ceil(ms / 1000);

describe('withdrawalUntil: how long the kid entry of a withdrawn key stays on the feed', () => {
  it('lasts until the last token the key signed has expired: its retirement plus one token lifetime', () => {
    // Retired by a rotation at once a moment ago: tokens it signed just before live one TTL more.
    assert.equal(withdrawalUntil({ activatesAt: at(-3600), retiredAt: at(-5) }, NOW, TTL, MAX_AGE), seconds(NOW) + 895);
  });

  it('never lapses before a cached JWKS has gone stale, even for a key long retired', () => {
    // Its tokens expired long ago, yet tokens forged with the leaked key would verify against a cached JWKS.
    const until = withdrawalUntil({ activatesAt: at(-7200), retiredAt: at(-3000) }, NOW, TTL, MAX_AGE);
    assert.equal(until, seconds(NOW) + MAX_AGE);
  });

  it('treats a key replaced before it activated as one that signed nothing', () => {
    const cancelled = { activatesAt: at(600), retiredAt: at(600) };
    assert.equal(withdrawalUntil(cancelled, NOW, TTL, MAX_AGE), seconds(NOW) + MAX_AGE);
    assert.equal(withdrawalUntil(cancelled, NOW, TTL, 0), seconds(NOW));
  });

  it('rounds up to whole seconds, so the entry never lapses early', () => {
    const until = withdrawalUntil({ activatesAt: at(-60), retiredAt: new Date(NOW - 400) }, NOW, TTL, 0);
    assert.equal(until, seconds(NOW - 400 + TTL * 1000));
    assert.ok(until * 1000 >= NOW - 400 + TTL * 1000);
  });
});
