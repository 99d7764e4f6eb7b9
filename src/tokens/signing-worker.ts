import { parentPort } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../config/app-config';
import { signAccessJwt } from './jwt-codec';

/** Messages from the pool: a key (sent once per worker), or a job that names it. */
export type ToWorker =
  | { t: 'key'; kid: string; alg: SigningAlgorithm; privateKey: KeyObject }
  | { t: 'sign'; id: number; kid: string; claims: object };
export type FromWorker = { id: number; token: string } | { id: number; error: string };

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
  const key = keys.get(msg.kid);
  try {
    if (!key) throw new Error('unknown signing key');
    parentPort!.postMessage({ id: msg.id, token: signAccessJwt(msg.claims, key) } satisfies FromWorker);
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: (err as Error).message } satisfies FromWorker);
  }
});
