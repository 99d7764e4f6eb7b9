import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FailureAuditLimiter } from './failure-audit-limiter';

describe('FailureAuditLimiter', () => {
  it('admits one failure per bucket and window, and counts the rest', () => {
    const limiter = new FailureAuditLimiter(60_000, 100);
    assert.deepEqual(limiter.admit('malformed', 0), { suppressed: 0, dropped: 0 });
    for (let i = 1; i <= 1000; i++) assert.equal(limiter.admit('malformed', i), null);
    assert.ok(limiter.admit('id:a', 10));
    assert.deepEqual(limiter.admit('malformed', 60_000), { suppressed: 1000, dropped: 0 });
  });

  it('caps rows per window whatever the number of buckets', () => {
    const limiter = new FailureAuditLimiter(60_000, 10);
    let admitted = 0;
    for (let i = 0; i < 10_000; i++) if (limiter.admit(`id:${i}`, 1000)) admitted++;
    assert.equal(admitted, 10);
    assert.deepEqual(limiter.admit('id:late', 61_000), { suppressed: 0, dropped: 9_990 });
  });

  it('stays bounded in memory', () => {
    const limiter = new FailureAuditLimiter(1, 1_000_000, 100);
    for (let i = 0; i < 10_000; i++) limiter.admit(`id:${i}`, i);
    assert.ok(limiter.admit('id:again', 20_000));
  });
});
