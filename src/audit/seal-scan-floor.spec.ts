import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SealScanFloor } from './seal-scan-floor';

describe('SealScanFloor', () => {
  it('scans from the start first, then from the largest id sealed at least the lag ago', () => {
    const floor = new SealScanFloor(1_000, 10_000);
    assert.equal(floor.next(0), 0n);
    floor.sealed(100, 500n);
    floor.sealed(600, 900n);
    // Nothing sealed a second ago yet: from the start, so a straggler below 500 is still found.
    assert.equal(floor.next(1_000), 0n);
    assert.equal(floor.next(1_100), 500n);
    assert.equal(floor.next(1_599), 500n);
    assert.equal(floor.next(1_600), 900n);
    floor.sealed(1_700, 1_400n);
    assert.equal(floor.next(2_000), 900n);
  });

  it('goes back to the start once per full-scan period, for rows of slow transactions', () => {
    const floor = new SealScanFloor(1_000, 5_000);
    assert.equal(floor.next(0), 0n);
    floor.sealed(10, 700n);
    assert.equal(floor.next(4_999), 700n);
    assert.equal(floor.next(5_000), 0n);
    assert.equal(floor.next(5_001), 700n);
  });

  it('never rises above a mark that is not yet old enough', () => {
    const floor = new SealScanFloor(1_000, 60_000);
    floor.next(0);
    for (let t = 0; t < 10_000; t += 100) floor.sealed(t, BigInt(t));
    assert.equal(floor.next(10_000), 9_000n);
  });
});
