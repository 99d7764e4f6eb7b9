import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_ENTRY_SECONDS, toFeedEntry, withMinimumLife } from './revocation-feed.writer';

const NOW = 1_800_000_000;
const TTL = 900;

describe('toFeedEntry: the revocation set as resource services see it', () => {
  it('keeps jti, sid and api_key as they are, revoked now', () => {
    assert.deepEqual(toFeedEntry({ kind: 'jti', subject: 'j1', expiresAt: NOW + 60 }, NOW, TTL), {
      kind: 'jti',
      value: 'j1',
      revoked_at: NOW,
      until: NOW + 60,
    });
    assert.deepEqual(toFeedEntry({ kind: 'sid', subject: 's1', expiresAt: NOW + TTL }, NOW, TTL), {
      kind: 'sid',
      value: 's1',
      revoked_at: NOW,
      until: NOW + TTL,
    });
    assert.deepEqual(toFeedEntry({ kind: 'api_key', subject: 'k1', expiresAt: null }, NOW, TTL), {
      kind: 'api_key',
      value: 'k1',
      revoked_at: NOW,
      until: null,
    });
  });

  it('turns a user cutoff into a sub entry revoked at the cutoff', () => {
    assert.deepEqual(
      toFeedEntry({ kind: 'user', subject: 'u1', cutoffMs: (NOW - 5) * 1000, expiresAt: NOW + TTL }, NOW, TTL),
      {
        kind: 'sub',
        value: 'u1',
        revoked_at: NOW - 5,
        until: NOW + TTL,
      },
    );
  });

  it('turns a deleted client into a sub entry that ends with its last access token', () => {
    assert.deepEqual(toFeedEntry({ kind: 'client', subject: 'svc', expiresAt: null }, NOW, TTL), {
      kind: 'sub',
      value: 'svc',
      revoked_at: NOW,
      until: NOW + TTL,
    });
  });

  it('adds nothing for user_off, which is always written with a user cutoff', () => {
    assert.equal(toFeedEntry({ kind: 'user_off', subject: 'u1', expiresAt: null }, NOW, TTL), null);
  });
});

describe('withMinimumLife', () => {
  it('keeps an entry that dies as it is written long enough for readers to see it', () => {
    const now = { kind: 'api_key' as const, value: 'k', revoked_at: NOW, until: NOW };
    assert.equal(withMinimumLife(now).until, NOW + MIN_ENTRY_SECONDS);
    const later = { ...now, until: NOW + 10 * MIN_ENTRY_SECONDS };
    assert.equal(withMinimumLife(later).until, NOW + 10 * MIN_ENTRY_SECONDS);
    assert.equal(withMinimumLife({ ...now, until: null }).until, null);
  });
});
