'use strict';
// Runs every compiled *.spec.js under dist/ with node's test runner (Node 20 has no glob in --test).
const { spawnSync } = require('node:child_process');
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.spec.js') ? [path] : [];
  });
}

const filter = process.argv[2];
const files = find(join(__dirname, '..', 'dist')).filter((f) => !filter || f.includes(filter));
if (files.length === 0) throw new Error('no kit test files found');
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
