import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The dependency rule of `npm run lint` (.dependency-cruiser.cjs) run on a
 * small made-up tree: it must fail on the violations it exists for, and
 * pass what the design allows. The real tree is checked by `npm run lint`.
 */
/** The repository root, wherever this spec was compiled to (dist/, .build/test/). */
function repositoryRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, '.dependency-cruiser.cjs'))) return dir;
  }
  throw new Error('repository root (.dependency-cruiser.cjs) not found above the compiled spec');
}
const ROOT = repositoryRoot(__dirname);
const CLI = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function writeTree(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function cruise(dir: string): Promise<Violation[]> {
  return new Promise((resolve, reject) => {
    const args = [CLI, 'src', '--config', CONFIG, '--output-type', 'json'];
    execFile(process.execPath, args, { cwd: dir, maxBuffer: 16 << 20 }, (error, stdout) => {
      // depcruise exits with the number of errors; the JSON report is on stdout either way.
      try {
        resolve((JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations);
      } catch {
        reject(error ?? new Error(`no report: ${stdout}`));
      }
    });
  });
}

describe('module boundary rule (npm run lint)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'boundaries-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fails on an import from common/ into a feature folder, and on folder cycles', async () => {
    const bad = join(dir, 'bad');
    writeTree(bad, {
      'src/users/username.ts': 'export const MAX = 64;\n',
      'src/common/http/validators.ts': "import { MAX } from '../../users/username';\nexport const LIMIT = MAX;\n",
      // tokens/a -> revocation/b and revocation/c -> tokens/d: no file cycle, but a folder cycle.
      'src/tokens/a.ts': "import { B } from '../revocation/b';\nexport const A = B;\n",
      'src/tokens/d.ts': 'export const D = 1;\n',
      'src/revocation/b.ts': 'export const B = 1;\n',
      'src/revocation/c.ts': "import { D } from '../tokens/d';\nexport const C = D;\n",
      'src/config/runtime.ts': "import { C } from '../revocation/c';\nexport const R = C;\n",
    });
    const names = new Set((await cruise(bad)).map((v) => v.rule.name));
    assert.ok(names.has('common-imports-no-feature'), [...names].join());
    assert.ok(names.has('no-folder-cycles'), [...names].join());
    assert.ok(names.has('config-imports-no-folder'), [...names].join());
  });

  it('passes features that import common/ and config/, and lower features', async () => {
    const good = join(dir, 'good');
    writeTree(good, {
      'src/config/app-config.ts': 'export const PORT = 1;\n',
      'src/common/crypto/secrets.ts': "import { PORT } from '../../config/app-config';\nexport const S = PORT;\n",
      'src/revocation/store.ts': "import { S } from '../common/crypto/secrets';\nexport const STORE = S;\n",
      'src/tokens/verifier.ts': "import { STORE } from '../revocation/store';\nexport const V = STORE;\n",
      'src/app.module.ts': "import { V } from './tokens/verifier';\nexport const APP = V;\n",
    });
    assert.deepEqual(await cruise(good), []);
  });
});
