import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRfc3339 } from './rfc3339';

describe('parseRfc3339', () => {
  it('normalises to UTC with microseconds', () => {
    assert.equal(parseRfc3339('2025-01-31T12:00:00Z'), '2025-01-31T12:00:00.000000Z');
    assert.equal(parseRfc3339('2025-01-31t12:00:00.123456789z'), '2025-01-31T12:00:00.123456Z');
    assert.equal(parseRfc3339('2025-01-01T01:30:00.5+02:00'), '2024-12-31T23:30:00.500000Z');
    assert.equal(parseRfc3339('2025-01-01T00:00:00-05:30'), '2025-01-01T05:30:00.000000Z');
    assert.equal(parseRfc3339('2024-02-29T00:00:00Z'), '2024-02-29T00:00:00.000000Z');
    assert.equal(parseRfc3339('2016-12-31T23:59:60Z'), '2017-01-01T00:00:00.000000Z');
    assert.equal(parseRfc3339('0050-06-01T00:00:00Z'), '0050-06-01T00:00:00.000000Z');
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      '2025-01-31',
      '2025-01-31T12:00:00',
      '2025-01-31 12:00:00Z',
      '2025-02-29T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-04-31T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01T00:60:00Z',
      '2025-01-01T00:00:61Z',
      '2025-01-01T00:00:00+24:00',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00+01:00',
      '9999-12-31T23:00:00-01:00',
      '2025-01-01T00:00:00.Z',
      '2025-01-01T00:00:00Z\u0000',
      '+2025-01-01T00:00:00Z',
      '1735689600',
    ]) {
      assert.equal(parseRfc3339(bad), null, bad);
    }
    assert.equal(parseRfc3339(42), null);
    assert.equal(parseRfc3339(['2025-01-01T00:00:00Z']), null);
  });
});
