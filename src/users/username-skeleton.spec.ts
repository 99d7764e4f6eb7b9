import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { skeleton } from './username-skeleton';
import { usernameSkeleton } from './username';

describe('username skeleton (Unicode TS #39)', () => {
  it('gives a Cyrillic look-alike the skeleton of the Latin name', () => {
    assert.equal(usernameSkeleton('\u0430lice'), usernameSkeleton('alice'));
    assert.equal(usernameSkeleton('\u0410LICE'), usernameSkeleton('alice'));
    assert.equal(usernameSkeleton('pa\u0443pal'), usernameSkeleton('paypal'));
  });
  it('folds digit and letter homoglyphs and drops invisible characters', () => {
    assert.equal(usernameSkeleton('b0b'), usernameSkeleton('bob'));
    assert.equal(usernameSkeleton('a\u200bb'), usernameSkeleton('ab'));
    assert.equal(skeleton('l'), skeleton('1'));
  });
  it('keeps names that do not look alike apart', () => {
    assert.notEqual(usernameSkeleton('alice'), usernameSkeleton('alicf'));
    assert.notEqual(usernameSkeleton('jos\u00e9'), usernameSkeleton('jose'));
    assert.notEqual(usernameSkeleton('\u7530\u4e2d'), usernameSkeleton('\u7530\u5b50'));
  });
});
