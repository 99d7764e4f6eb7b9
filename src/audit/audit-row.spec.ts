import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalRow, chainHash, GENESIS_HASH } from './audit-row';
import { AuditEventDto } from './dto/audit-event.dto';
import { canonicalJson } from './jcs';

const row: AuditEventDto = {
  id: '10',
  seq: null,
  hash: null,
  occurred_at: '2026-01-01T00:00:00.000001Z',
  event_type: 'user.login',
  outcome: 'success',
  actor_type: 'user',
  actor_id: 'u1',
  subject_type: 'user',
  subject_id: 'u1',
  ip: '127.0.0.1',
  user_agent: 'ua',
  request_id: 'r',
  details: { b: 1, a: 'é' },
};

describe('chainHash', () => {
  it('is SHA-256 of the previous hash hex and the JCS row with its seq, without hash', () => {
    const jcs =
      '{"actor_id":"u1","actor_type":"user","details":{"a":"é","b":1},"event_type":"user.login","id":"10",' +
      '"ip":"127.0.0.1","occurred_at":"2026-01-01T00:00:00.000001Z","outcome":"success","request_id":"r",' +
      '"seq":1,"subject_id":"u1","subject_type":"user","user_agent":"ua"}';
    const expected = createHash('sha256')
      .update(Buffer.from(GENESIS_HASH + jcs, 'utf8'))
      .digest('hex');
    assert.equal(chainHash(GENESIS_HASH, row, 1), expected);
    assert.equal(chainHash(GENESIS_HASH, { ...row, hash: 'ignored' }, 1), expected);
  });

  it('changes with any field, the seq or the previous hash', () => {
    const base = chainHash(GENESIS_HASH, row, 1);
    assert.notEqual(chainHash(GENESIS_HASH, row, 2), base);
    assert.notEqual(chainHash('1'.repeat(64), row, 1), base);
    assert.notEqual(chainHash(GENESIS_HASH, { ...row, details: { b: 2, a: 'é' } }, 1), base);
    assert.notEqual(chainHash(GENESIS_HASH, { ...row, ip: null }, 1), base);
  });

  it('hashes a previous hash that is not 64 hex characters byte-wise: latin1, then the UTF-8 row', () => {
    const damaged = `é${'0'.repeat(63)}`;
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from(damaged, 'latin1'), Buffer.from(canonicalRow(row, 1), 'utf8')]))
      .digest('hex');
    assert.equal(chainHash(damaged, row, 1), expected);
  });
});

describe('canonicalRow', () => {
  it('gives the bytes of canonicalJson over the row with its seq and without hash', () => {
    const variants: AuditEventDto[] = [
      row,
      { ...row, seq: 7, hash: 'f'.repeat(64) },
      { ...row, actor_id: null, subject_type: null, subject_id: null, ip: null, user_agent: null, request_id: null },
      { ...row, user_agent: 'quote " backslash \\ newline \n tab \t \u0001 \u2028 😀', details: {} },
      { ...row, details: { '10': 1, '9': [1.5, -0, 1e21, null, true], é: { z: 'ü', A: { b: [] } }, '': 'empty' } },
    ];
    for (const variant of variants) {
      const { hash: _hash, ...rest } = variant;
      void _hash;
      assert.equal(canonicalRow(variant, 42), canonicalJson({ ...rest, seq: 42 }));
    }
  });
});
