import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { timeOrderedUuid, uuidTime } from './time-ordered-id';

describe('timeOrderedUuid', () => {
  it('is an RFC 9562 version 7 UUID carrying the millisecond time', () => {
    const ms = Date.UTC(2026, 10, 28, 18, 0, 0, 123);
    const id = timeOrderedUuid(ms);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(uuidTime(id), ms);
  });

  it('differs between two ids of the same millisecond', () => {
    const ms = Date.now();
    assert.notEqual(timeOrderedUuid(ms), timeOrderedUuid(ms));
  });

  it('gives no time for other strings (a version 4 UUID, garbage)', () => {
    assert.equal(uuidTime(randomUUID()), undefined);
    assert.equal(uuidTime('not-a-uuid'), undefined);
    assert.equal(uuidTime(''), undefined);
  });
});
