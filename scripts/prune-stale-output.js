#!/usr/bin/env node
'use strict';
/**
 * Deletes compiled files whose TypeScript source is gone: `tsc` never removes
 * them, and a stale file would still load. A migration deleted from
 * migrations/ would still run from dist/migrations (the data source loads
 * that folder by glob), and a removed test would still run from .build/.
 *
 * usage: node scripts/prune-stale-output.js <outDir>   (outDir mirrors the repository root)
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(root, process.argv[2] ?? 'dist');
const OUTPUT = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;

function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file);
    else if (OUTPUT.test(entry.name)) {
      const source = path.join(root, path.relative(outDir, file)).replace(OUTPUT, '.ts');
      if (!fs.existsSync(source)) {
        fs.rmSync(file);
        process.stdout.write(`removed stale ${path.relative(root, file)}\n`);
      }
    }
  }
}

if (fs.existsSync(outDir)) walk(outDir);
