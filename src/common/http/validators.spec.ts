import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IsString, validateSync } from 'class-validator';
import { isUuid, NoControlChars } from './validators';

class Sample {
  @IsString()
  @NoControlChars()
  name: string;

  @NoControlChars({ each: true })
  tags: string[] = [];
}

function errorsOf(name: unknown, tags: unknown[] = []): string[] {
  const sample = Object.assign(new Sample(), { name, tags });
  return validateSync(sample).flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('NoControlChars', () => {
  it('accepts printable text of any script', () => {
    assert.deepEqual(errorsOf('Çağrı Öztürk – ünïcödé ✓'), []);
  });
  it('refuses NUL, newlines, escape, DEL and C1 controls', () => {
    for (const bad of ['a\u0000b', 'line\nbreak', 'tab\there', '\u001b[31mred', 'del\u007f', 'c1\u0085']) {
      assert.deepEqual(errorsOf(bad), ['name must not contain control characters'], JSON.stringify(bad));
    }
  });
  it('checks every element with { each: true }', () => {
    assert.equal(errorsOf('ok', ['fine', 'bad\u0000']).length, 1);
  });
});

describe('isUuid', () => {
  it('accepts uuids and refuses anything else', () => {
    assert.ok(isUuid('3f0e6d1c-2b7a-4c1e-9a8b-0123456789ab'));
    assert.ok(!isUuid('3f0e6d1c-2b7a-4c1e-9a8b-0123456789a'));
    assert.ok(!isUuid("' OR 1=1 --"));
    assert.ok(!isUuid(42));
  });
});
