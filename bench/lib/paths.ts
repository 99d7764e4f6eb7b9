import { join } from 'node:path';

/**
 * Compiled locations, relative to this file, so the bench runs from any
 * build directory (dist/ for `npm run bench`, .build/<dev>/ while developing):
 * <out>/bench/lib/paths.js -> <out>/src/main.js.
 */
const OUT = join(__dirname, '..', '..');

export const PATHS = {
  out: OUT,
  serviceMain: join(OUT, 'src', 'main.js'),
  loadWorker: join(OUT, 'bench', 'load', 'worker.js'),
  baselineServer: join(OUT, 'bench', 'baseline', 'server.js'),
  /** Results go to the source tree's bench/results (gitignored), whatever the build directory. */
  results: join(process.cwd(), 'bench', 'results'),
};
