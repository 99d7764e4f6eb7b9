import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from './verify-cli';

describe('audit:verify arguments', () => {
  it('reads --from-seq and --to-seq', () => {
    assert.deepEqual(parseArgs([]), {});
    assert.deepEqual(parseArgs(['--from-seq', '3', '--to-seq', '9']), { from: 3, to: 9 });
  });

  it('refuses anything else', () => {
    for (const args of [['--from-seq'], ['--from-seq', '-1'], ['--from-seq', '1.5'], ['--since', '1'], ['5']]) {
      assert.throws(() => parseArgs(args), /usage/);
    }
  });
});
