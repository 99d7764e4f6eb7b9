import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { JsonWebKey, KeyObject } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { AuditActor } from '../audit/audit.types';
import { decryptAesGcm, encryptAesGcm } from '../common/crypto/secrets';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { decodeCursor, Page, toPage } from '../common/http/pagination';
import { AppConfig, SigningAlgorithm } from '../config/app-config';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';
import { Runtime } from '../config/runtime';
import { generateSigningKey, privateKeyFromDer, publicKeyFromJwk } from './key-material';

export const SIGNING_KEYS_CHANGED = 'signing_keys.changed';
const KEY_LOCK = 727_274_002;
const UNKNOWN_KID_RELOAD_MS = 1_000;

export interface LoadedKey {
  kid: string;
  alg: SigningAlgorithm;
  state: 'active' | 'retiring';
  publicJwk: JsonWebKey;
  publicKey: KeyObject;
  privateKey: KeyObject;
  createdAt: Date;
  retiredAt: Date | null;
}

/** What the admin API shows of a key: never a private part. */
export interface SigningKeyInfo {
  kid: string;
  alg: SigningAlgorithm;
  state: 'active' | 'retiring';
  created_at: string;
}

interface KeyRow {
  kid: string;
  alg: SigningAlgorithm;
  state: 'active' | 'retiring';
  public_jwk: JsonWebKey;
  private_key_enc: Buffer;
  created_at: Date;
  retired_at: Date | null;
}

/**
 * Signing keys, private parts AES-256-GCM encrypted under
 * KEY_ENCRYPTION_KEY (the kid is the AAD). Held decrypted in memory only.
 * A retiring key stays in JWKS and verifies until its last token expired.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private keys = new Map<string, LoadedKey>();
  private lastUnknownReload = 0;

  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
    private readonly runtime: Runtime,
    private readonly events: ClusterEvents,
    private readonly audit: AuditService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onModuleInit(): void {
    this.events.on(SIGNING_KEYS_CHANGED, () => void this.reload().catch((err: unknown) => this.logger.error({ err }, 'signing key reload failed')));
    this.events.onSync(() => this.ensureActiveKey().then(() => this.reload()));
  }

  signer(): LoadedKey {
    let best: LoadedKey | undefined;
    for (const key of this.keys.values()) {
      if (key.state === 'active' && (!best || key.createdAt > best.createdAt)) best = key;
    }
    if (!best) throw new Error('no active signing key');
    return best;
  }

  /** A key that may verify tokens now; reloads (at most once a second) on an unknown kid. */
  async verificationKey(kid: string): Promise<LoadedKey | undefined> {
    const key = this.keys.get(kid);
    if (key) return this.stillVerifies(key) ? key : undefined;
    if (Date.now() - this.lastUnknownReload < UNKNOWN_KID_RELOAD_MS) return undefined;
    this.lastUnknownReload = Date.now();
    await this.reload();
    const fresh = this.keys.get(kid);
    return fresh && this.stillVerifies(fresh) ? fresh : undefined;
  }

  cachedKey(kid: string): LoadedKey | undefined {
    const key = this.keys.get(kid);
    return key && this.stillVerifies(key) ? key : undefined;
  }

  published(): LoadedKey[] {
    return [...this.keys.values()].filter((k) => this.stillVerifies(k)).sort((a, b) => +b.createdAt - +a.createdAt);
  }

  /**
   * Admin listing, newest first: the keys that still verify (the JWKS set);
   * keys whose last token has expired are history and are not listed.
   * Keyset pagination on (created_at, kid).
   */
  list(limit: number, cursor?: string): Page<SigningKeyInfo> {
    const after = decodeCursor<{ t: number; k: string }>(cursor, ['t', 'k']);
    const keys = this.published()
      .sort((a, b) => +b.createdAt - +a.createdAt || (a.kid < b.kid ? -1 : 1))
      .filter((k) => !after || +k.createdAt < after.t || (+k.createdAt === after.t && k.kid > after.k));
    return toPage(keys, limit, (k) => SigningKeys.info(k), (k) => ({ t: +k.createdAt, k: k.kid }));
  }

  static info(key: LoadedKey): SigningKeyInfo {
    return { kid: key.kid, alg: key.alg, state: key.state, created_at: key.createdAt.toISOString() };
  }

  async rotate(actor: AuditActor): Promise<LoadedKey> {
    const kid = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      await tx.query(`UPDATE signing_keys SET state = 'retiring', retired_at = now() WHERE state = 'active'`);
      const created = await this.insertKey(tx, this.config.signingAlgorithm);
      await this.audit.record(tx, {
        eventType: 'signing_key.rotated',
        outcome: 'success',
        actor,
        subject: { type: 'signing_key', id: created },
        details: { alg: this.config.signingAlgorithm },
      });
      await this.events.publish(tx, { type: SIGNING_KEYS_CHANGED });
      return created;
    });
    await this.reload();
    return this.keys.get(kid)!;
  }

  async reload(): Promise<void> {
    const rows = await this.db.query<KeyRow>('SELECT * FROM signing_keys ORDER BY created_at');
    const next = new Map<string, LoadedKey>();
    for (const row of rows) {
      const der = decryptAesGcm(this.runtime.keyEncryptionKey, row.private_key_enc, row.kid);
      next.set(row.kid, {
        kid: row.kid,
        alg: row.alg,
        state: row.state,
        publicJwk: row.public_jwk,
        publicKey: publicKeyFromJwk(row.public_jwk),
        privateKey: privateKeyFromDer(der),
        createdAt: row.created_at,
        retiredAt: row.retired_at,
      });
    }
    this.keys = next;
  }

  private stillVerifies(key: LoadedKey): boolean {
    return key.state === 'active' || (key.retiredAt !== null && key.retiredAt.getTime() + this.config.accessTokenTtl * 1000 > Date.now());
  }

  /** First start, or a configured algorithm with no active key of its kind: create one. */
  private async ensureActiveKey(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      const active = await tx.query<{ alg: string }>(`SELECT alg FROM signing_keys WHERE state = 'active'`);
      if (active.some((k) => k.alg === this.config.signingAlgorithm)) return;
      await tx.query(`UPDATE signing_keys SET state = 'retiring', retired_at = now() WHERE state = 'active'`);
      const kid = await this.insertKey(tx, this.config.signingAlgorithm);
      this.logger.info({ kid, alg: this.config.signingAlgorithm }, 'generated a signing key');
    });
  }

  private async insertKey(tx: Tx, alg: SigningAlgorithm): Promise<string> {
    const key = generateSigningKey(alg);
    const sealed = encryptAesGcm(this.runtime.keyEncryptionKey, key.privateDer, key.kid);
    await tx.query(`INSERT INTO signing_keys (kid, alg, state, public_jwk, private_key_enc) VALUES ($1, $2, 'active', $3, $4)`, [
      key.kid,
      alg,
      JSON.stringify(key.publicJwk),
      sealed,
    ]);
    return key.kid;
  }
}
