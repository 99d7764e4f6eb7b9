import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { log } from './context';
import { Child, freePort, sleep, startNode } from './processes';

/** The repository root: the nearest folder above this file with the service's package.json. */
function repoRoot(): string {
  let dir = __dirname;
  while (dirname(dir) !== dir) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'auth-service'
    )
      return dir;
    dir = dirname(dir);
  }
  throw new Error(`no auth-service package.json above ${__dirname}`);
}

/** The main checkout's root when this is a git worktree (its ../shared is the one beside the main clone). */
function mainCheckout(root: string): string | undefined {
  const git = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    cwd: root,
    encoding: 'utf8',
  });
  return git.status === 0 ? dirname(git.stdout.trim()) : undefined;
}

/**
 * ../shared/bench relative to the repository root (DESIGN convention 12), or
 * beside the main checkout of a git worktree, or BENCH_SHARED_DIR; a clear
 * error when none has the files.
 */
export function sharedBenchDir(): string {
  const root = repoRoot();
  const main = mainCheckout(root);
  const candidates = [
    process.env.BENCH_SHARED_DIR,
    resolve(root, '..', 'shared', 'bench'),
    main && resolve(main, '..', 'shared', 'bench'),
  ].filter((d): d is string => d !== undefined && d !== '');
  const found = candidates.find((d) => existsSync(join(d, 'reference-introspect.mjs')) && existsSync(join(d, 'peers')));
  if (found === undefined) {
    throw new Error(
      'the benchmark reference points are missing: looked for reference-introspect.mjs and peers/ in ' +
        `${candidates.join(', ')} ` +
        '(../shared/bench beside the repository, or BENCH_SHARED_DIR). The hot-path rows are ratios to them.',
    );
  }
  return found;
}

/**
 * node-oidc-provider installed once per lockfile: shared/ is read-only, so
 * peers/ is copied under the OS temp folder, keyed by the lockfile's hash,
 * and `npm ci` runs there only when that folder has no install yet.
 */
function installedPeers(shared: string): string {
  const source = join(shared, 'peers');
  const hash = createHash('sha256')
    .update(readFileSync(join(source, 'package-lock.json')))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `auth-bench-peers-${hash}`);
  if (existsSync(join(dir, 'node_modules', 'oidc-provider', 'package.json'))) return dir;
  log(`installing node-oidc-provider into ${dir} (once per lockfile)`);
  cpSync(source, dir, { recursive: true });
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  if (npm.status !== 0) throw new Error(`npm ci of the peers failed:\n${(npm.stderr ?? '').slice(-2_000)}`);
  return dir;
}

export interface Comparator {
  url: string;
  child: Child;
  /** The token it printed (peers) or was given (reference). */
  token: string;
}

async function waitForToken(child: Child, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.name} exited during start-up:\n${child.output}`);
    const match = /TOKEN (\S+)/.exec(child.output);
    if (match) return match[1];
    await sleep(100);
  }
  throw new Error(`${child.name} printed no TOKEN within ${timeoutMs} ms:\n${child.output}`);
}

/** The reference (the limit) and the two node-oidc-provider peers, started beside the service in the same run. */
export class Comparators {
  private constructor(
    readonly reference: Comparator,
    readonly opaque: Comparator,
    readonly jwt: Comparator,
  ) {}

  static async start(referenceToken: string): Promise<Comparators> {
    const shared = sharedBenchDir();
    const peers = installedPeers(shared);
    const env = { PATH: process.env.PATH };
    const [refPort, opaquePort, jwtPort] = [await freePort(), await freePort(), await freePort()];
    const reference = startNode('reference', join(shared, 'reference-introspect.mjs'), [], {
      ...env,
      PORT: String(refPort),
      TOKEN: referenceToken,
    });
    const opaque = startNode('oidc-provider (opaque)', join(peers, 'oidc-provider.mjs'), [], {
      ...env,
      PORT: String(opaquePort),
    });
    const jwt = startNode('oidc-provider (jwt)', join(peers, 'oidc-provider.mjs'), [], {
      ...env,
      PORT: String(jwtPort),
      FORMAT: 'jwt',
    });
    const url = (port: number): string => `http://127.0.0.1:${port}`;
    await waitForListening(url(refPort), reference);
    return new Comparators(
      { url: url(refPort), child: reference, token: referenceToken },
      { url: url(opaquePort), child: opaque, token: await waitForToken(opaque) },
      { url: url(jwtPort), child: jwt, token: await waitForToken(jwt) },
    );
  }

  async stop(): Promise<void> {
    await Promise.all([this.reference, this.opaque, this.jwt].map((c) => c.child.stop()));
  }
}

/** The reference answers 401 to anything unauthenticated: any answer means it listens. */
async function waitForListening(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.name} exited during start-up:\n${child.output}`);
    try {
      await (await fetch(url, { method: 'POST', body: '' })).arrayBuffer();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${child.name} not listening after ${timeoutMs} ms`);
}

export const PEER_CALLER = `Basic ${Buffer.from('rs:rs-secret-rs-secret-rs-secret-32').toString('base64')}`;
