import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder up from this file that has package.json and README.md. */
function repoRoot(): string {
  let dir = __dirname;
  while (!(existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'README.md')))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

const ROOT = repoRoot();
const PAGES = ['README.md', 'SECURITY.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((p) =>
  p.endsWith('.md'),
);

/** Relative link targets of a markdown page: `[text](target)`, without #anchors, external URLs excluded. */
function relativeLinks(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1].split('#', 1)[0])
    .filter((target) => target !== '' && !/^[a-z]+:/i.test(target));
}

describe('repository documentation', () => {
  it('has the HTTP contract and the design in docs/', () => {
    for (const page of ['docs/api.md', 'docs/design.md']) assert.ok(PAGES.includes(page), `${page} is missing`);
  });

  it('links only to files inside the repository, and every link resolves', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      for (const target of relativeLinks(page)) {
        const path = resolve(ROOT, dirname(page), target);
        if (!path.startsWith(`${ROOT}/`) || !existsSync(path)) broken.push(`${page} -> ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('never points a reader at ../shared, which a clone does not have', () => {
    for (const page of PAGES) assert.ok(!readFileSync(join(ROOT, page), 'utf8').includes('../shared'), page);
  });

  it('README links the contract and the design', () => {
    const links = relativeLinks('README.md');
    assert.ok(links.includes('docs/api.md'));
    assert.ok(links.includes('docs/design.md'));
  });
});
