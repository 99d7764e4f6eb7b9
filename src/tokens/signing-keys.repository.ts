import { Injectable } from '@nestjs/common';
import { encryptAesGcm } from '../common/crypto/secrets';
import { SigningAlgorithm } from '../config/app-config';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { Runtime } from '../config/runtime';
import { generateSigningKey } from './key-material';
import { SigningKeyRow, WithdrawalCandidate } from './signing-key.types';

/** Arbitrary constant: one key change at a time across instances. */
const KEY_LOCK = 727_274_002;

/**
 * SQL of signing_keys. Private parts are sealed with AES-256-GCM under
 * KEY_ENCRYPTION_KEY, the kid as associated data, before they leave memory.
 */
@Injectable()
export class SigningKeysRepository {
  constructor(
    private readonly db: Database,
    private readonly runtime: Runtime,
  ) {}

  /**
   * Every key that may still verify a token: unretired, or retired less than
   * `ttlSeconds` ago; never a withdrawn one (it has no private part either).
   */
  loadVerifying(ttlSeconds: number): Promise<SigningKeyRow[]> {
    return this.db.query<SigningKeyRow>(
      `SELECT kid, alg, public_jwk, private_key_enc, created_at, activates_at, retired_at FROM signing_keys
        WHERE withdrawn_at IS NULL AND (retired_at IS NULL OR retired_at > now() - make_interval(secs => $1))
        ORDER BY activates_at, created_at`,
      [ttlSeconds],
    );
  }

  /** Serialises key changes of concurrent instances (start-up and rotation). */
  async lock(tx: Tx): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
  }

  /** The algorithm of the key that signs now, if any. */
  async currentAlgorithm(tx: Tx): Promise<string | undefined> {
    const row = await tx.one<{ alg: string }>(
      `SELECT alg FROM signing_keys
        WHERE withdrawn_at IS NULL AND activates_at <= now() AND (retired_at IS NULL OR retired_at > now())
        ORDER BY activates_at DESC LIMIT 1`,
    );
    return row?.alg;
  }

  /**
   * Ends every key that would still sign after `activatesAt` at that moment
   * (a pending key that would activate later never signs), then inserts the
   * successor. Keys already scheduled to retire later are pulled back too:
   * after two pending rotations, a rotation at once must stop the current key
   * now, and keep the first pending key from ever signing.
   */
  async insertSuccessor(tx: Tx, alg: SigningAlgorithm, activateInSeconds: number): Promise<SigningKeyRow> {
    const key = generateSigningKey(alg);
    const sealed = encryptAesGcm(this.runtime.keyEncryptionKey, key.privateDer, key.kid);
    // From the clock now, not the transaction's start: the wait for the key lock and the key generation
    // must not eat the activation delay (under load a 3 s delay came out as a key already active).
    const [at] = await tx.query<{ at: Date }>(`SELECT clock_timestamp() + make_interval(secs => $1) AS at`, [
      activateInSeconds,
    ]);
    await tx.query(
      `UPDATE signing_keys SET retired_at = GREATEST(activates_at, $1)
        WHERE withdrawn_at IS NULL AND (retired_at IS NULL OR retired_at > $1)`,
      [at.at],
    );
    const [row] = await tx.query<SigningKeyRow>(
      `INSERT INTO signing_keys (kid, alg, public_jwk, private_key_enc, activates_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING kid, alg, public_jwk, private_key_enc, created_at, activates_at, retired_at`,
      [key.kid, alg, JSON.stringify(key.publicJwk), sealed, at.at],
    );
    return row;
  }

  /** A key not withdrawn yet, row-locked, with the database clock read after the lock (rotations use it too). */
  findWithdrawable(tx: Tx, kid: string): Promise<WithdrawalCandidate | undefined> {
    return tx.one<WithdrawalCandidate>(
      `SELECT kid, alg, activates_at, retired_at, clock_timestamp() AS now FROM signing_keys
        WHERE kid = $1 AND withdrawn_at IS NULL FOR UPDATE`,
      [kid],
    );
  }

  /** Withdraws a key for good: its sealed private part is erased in the same statement. */
  async markWithdrawn(tx: Tx, kid: string): Promise<void> {
    await tx.query(`UPDATE signing_keys SET withdrawn_at = now(), private_key_enc = NULL WHERE kid = $1`, [kid]);
  }
}
