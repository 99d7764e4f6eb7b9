import { parentPort } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../config/app-config';
import { signAccessJwt } from './jwt-codec';

/** Messages from the pool: a key (sent once per worker), or a job that names it. */
export type ToWorker =
  { t: 'key'; kid: string; alg: SigningAlgorithm; privateKey: KeyObject } | { t: 'sign'; jobs: SignJob[] };
export interface SignJob {
  id: number;
  kid: string;
  claims: object;
}
export type SignResult = { id: number; token: string } | { id: number; error: string };
/** Results of one batch, in one message. */
export type FromWorker = SignResult[];

/**
 * Signs access tokens on a worker thread with the same code as everywhere
 * (jwt-codec, @nestjs/jwt), so RSA signing leaves the event loop. Private
 * keys arrive as cloned KeyObjects and never leave the process.
 */
const keys = new Map<string, { kid: string; alg: SigningAlgorithm; privateKey: KeyObject }>();

parentPort?.on('message', (msg: ToWorker) => {
  if (msg.t === 'key') {
    keys.set(msg.kid, { kid: msg.kid, alg: msg.alg, privateKey: msg.privateKey });
    return;
  }
  parentPort!.postMessage(msg.jobs.map(signOne) satisfies FromWorker);
});

function signOne(job: SignJob): SignResult {
  const key = keys.get(job.kid);
  try {
    if (!key) throw new Error('unknown signing key');
    return { id: job.id, token: signAccessJwt(job.claims, key) };
  } catch (err) {
    return { id: job.id, error: (err as Error).message };
  }
}
