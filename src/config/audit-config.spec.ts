import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './app-config';

describe('audit configuration', () => {
  it('has the contract defaults', () => {
    assert.deepEqual(loadConfig({}).audit, {
      sealing: true,
      signingKey: undefined,
      checkpointSeconds: 60,
      retentionDays: 365,
      retentionIntervalSeconds: 3600,
      verifyIntervalSeconds: 60,
    });
  });

  it('takes decimal retention days and refuses bad values by name', () => {
    assert.equal(loadConfig({ AUDIT_RETENTION_DAYS: '0.5' }).audit.retentionDays, 0.5);
    for (const [name, value] of [
      ['AUDIT_RETENTION_DAYS', '0'],
      ['AUDIT_RETENTION_DAYS', '-1'],
      ['AUDIT_RETENTION_DAYS', '1e3'],
      ['AUDIT_RETENTION_INTERVAL_SECONDS', '0'],
      ['AUDIT_SEALING', 'maybe'],
      ['AUDIT_SIGNING_KEY', 'c2hvcnQ='],
    ]) {
      assert.throws(() => loadConfig({ [name]: value }), new RegExp(name));
    }
    assert.equal(loadConfig({ AUDIT_SEALING: 'off' }).audit.sealing, false);
  });
});
