import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BatchHead } from './audit-chain.repository';
import { nextWatermarks, scanFrom } from './seal-watermark';

const head = (over: Partial<BatchHead> = {}): BatchHead => ({
  seq: 10,
  hash: 'h',
  sealedBelow: '100',
  pendingDone: false,
  ...over,
});

describe('seal watermark', () => {
  it('reads from the watermark, or after the previous batch of the round when that is above it', () => {
    assert.equal(scanFrom(head()), '100');
    assert.equal(scanFrom(head(), 250n), '250');
    assert.equal(scanFrom(head(), 50n), '100');
  });

  it('takes the pending watermark once its transactions ended, and proposes the batch its own', () => {
    const marks = nextWatermarks(head({ pendingBelow: '180', pendingDone: true }), undefined, '260', false);
    assert.deepEqual(marks, { sealedBelow: '180', pendingBelow: '260', pendingNow: true });
  });

  it('keeps a pending watermark whose transactions are still open, unchanged and with its time', () => {
    const marks = nextWatermarks(head({ pendingBelow: '180', pendingDone: false }), undefined, '260', false);
    assert.deepEqual(marks, { sealedBelow: '100', pendingBelow: '180', pendingNow: false });
  });

  it('does not take it when a full batch stopped below it (unsealed rows may remain under it)', () => {
    const pending = head({ pendingBelow: '5000', pendingDone: true });
    assert.deepEqual(nextWatermarks(pending, undefined, '1100', true), {
      sealedBelow: '100',
      pendingBelow: '5000',
      pendingNow: false,
    });
    assert.equal(nextWatermarks(pending, undefined, '5200', true).sealedBelow, '5000');
    assert.equal(nextWatermarks(pending, undefined, '1100', false).sealedBelow, '5000');
  });

  it('never takes a watermark in a batch that read above the current one; within a backlog it proposes anew', () => {
    const marks = nextWatermarks(head({ pendingBelow: '180', pendingDone: true }), 250n, '400', true);
    assert.deepEqual(marks, { sealedBelow: '100', pendingBelow: '400', pendingNow: true });
  });

  it('proposes when nothing is pending', () => {
    assert.deepEqual(nextWatermarks(head(), undefined, '120', false), {
      sealedBelow: '100',
      pendingBelow: '120',
      pendingNow: true,
    });
  });

  it('never moves the watermark back', () => {
    const marks = nextWatermarks(head({ pendingBelow: '90', pendingDone: true }), undefined, '130', false);
    assert.equal(marks.sealedBelow, '100');
  });
});
