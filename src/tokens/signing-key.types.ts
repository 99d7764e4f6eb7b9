import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../config/app-config';

/** `next`: published, not signing yet; `active`: signs; `retiring`: verifies until its last token expired. */
export type SigningKeyState = 'next' | 'active' | 'retiring';

/** A signing key held in memory, private part decrypted. Its state follows from the times. */
export interface LoadedKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JsonWebKey;
  /** PEM of the public key: the form @nestjs/jwt's verify options take. */
  publicPem: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  createdAt: Date;
  activatesAt: Date;
  /** When the key stops (or stopped) signing; null while no successor is scheduled. */
  retiredAt: Date | null;
}

/** What the admin API shows of a key: never a private part. */
export interface SigningKeyInfo {
  kid: string;
  alg: SigningAlgorithm;
  state: SigningKeyState;
  created_at: string;
  activates_at: string;
}

/** A row of signing_keys, private part still sealed. */
export interface SigningKeyRow {
  kid: string;
  alg: SigningAlgorithm;
  public_jwk: JsonWebKey;
  private_key_enc: Buffer;
  created_at: Date;
  activates_at: Date;
  retired_at: Date | null;
}

/** What a withdrawal decides on: a key's times, and the database clock when it was read. */
export interface WithdrawalCandidate {
  kid: string;
  alg: SigningAlgorithm;
  activates_at: Date;
  retired_at: Date | null;
  now: Date;
}
