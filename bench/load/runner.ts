import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATHS } from '../lib/paths';
import { runNode } from '../lib/processes';
import { LoadOutput, LoadSpec } from './spec';

export interface LoadSettings {
  connections: number;
  pipelining: number;
  duration: number;
  warmup: number;
}

/** Runs one autocannon load in a separate process (see worker.ts) and returns its result. */
export async function runLoad(spec: LoadSpec): Promise<LoadOutput> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-bench-load-'));
  try {
    const specFile = join(dir, 'spec.json');
    const outFile = join(dir, 'out.json');
    writeFileSync(specFile, JSON.stringify(spec));
    await runNode(`load "${spec.title}"`, PATHS.loadWorker, [specFile, outFile], { ...process.env });
    return JSON.parse(readFileSync(outFile, 'utf8')) as LoadOutput;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
