import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

/** From .build/test/test/docs: the repository root and its script. */
const ROOT = resolve(__dirname, '../../../..');
const SCRIPT = join(ROOT, 'scripts/prune-stale-output.js');

describe('scripts/prune-stale-output.js (postbuild)', () => {
  it('deletes compiled files whose source is gone and keeps the others', () => {
    const out = mkdtempSync(join(ROOT, '.build/prune-'));
    try {
      mkdirSync(join(out, 'migrations'));
      const kept = join(out, 'migrations/1763856000000-InitialSchema.js');
      const gone = join(out, 'migrations/1000000000000-Deleted.js');
      const goneMap = `${gone}.map`;
      const info = join(out, '.tsbuildinfo');
      for (const file of [kept, gone, goneMap, info]) writeFileSync(file, '');
      const printed = execFileSync(process.execPath, [SCRIPT, out], { encoding: 'utf8' });
      assert.ok(existsSync(kept), 'a file with its source stays');
      assert.ok(!existsSync(gone) && !existsSync(goneMap), 'a file without its source goes');
      assert.ok(existsSync(info), 'only compiled outputs are considered');
      assert.match(printed, /removed stale .*1000000000000-Deleted\.js/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
