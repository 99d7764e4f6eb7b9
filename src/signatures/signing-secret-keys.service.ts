import { Injectable, OnModuleInit } from '@nestjs/common';
import { CLIENT_CHANGED } from '../clients/client-store.service';
import { Cache } from '../common/cache/cache';
import { decryptAesGcm } from '../common/crypto/secrets';
import { Runtime } from '../config/runtime';
import { Tx } from '../database/tx';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { SigningSecretsRepository } from './signing-secrets.repository';

export const SIGNING_SECRET_CHANGED = 'signing_secret.changed';
const NEGATIVE_TTL_MS = 10_000;
const MAX_ENTRIES = 50_000;
const MAX_UNKNOWN = 10_000;

export interface SigningKey {
  keyid: string;
  clientId: string;
  /** The HMAC key: the UTF-8 bytes of the whole secret string, prefix included (API.md). */
  key: Buffer;
}

/** The AES-GCM associated data that binds a sealed secret to its keyid. */
export const secretAad = (keyid: string): string => `signing-secret:${keyid}`;

/**
 * keyid -> HMAC key, in memory: verification is a map lookup in steady
 * state. A deleted secret evicts its keyid, and any change to a client
 * (deletion) evicts every key, on every instance through the NOTIFY bus, so
 * a deletion takes effect at once here and within a second elsewhere.
 * Unknown keyids are remembered briefly, apart from the real ones, so a
 * flood of made-up ids is neither a flood of queries nor an eviction storm.
 */
@Injectable()
export class SigningSecretKeys implements OnModuleInit {
  private readonly cache = new Cache<string, SigningKey | null>({
    max: MAX_ENTRIES,
    maxAbsent: MAX_UNKNOWN,
    ttl: (key) => (key ? undefined : NEGATIVE_TTL_MS),
  });

  constructor(
    private readonly repo: SigningSecretsRepository,
    private readonly events: ClusterEvents,
    private readonly runtime: Runtime,
  ) {}

  onModuleInit(): void {
    this.events.on(SIGNING_SECRET_CHANGED, (e) => this.cache.delete(String(e.keyid)));
    // Client changes are rare (deletion, secret rotation): dropping every key is simpler than an index.
    this.events.on(CLIENT_CHANGED, () => this.cache.clear());
    this.events.onSync(async () => this.cache.clear());
  }

  /** Announces a change inside the writing transaction. */
  async changed(tx: Tx, keyid: string): Promise<void> {
    await this.events.publish(tx, { type: SIGNING_SECRET_CHANGED, keyid });
  }

  get(keyid: string): Promise<SigningKey | null> {
    return this.cache.getOrLoad(keyid, async (id) => {
      const row = await this.repo.findLive(id);
      if (!row) return null;
      const key = decryptAesGcm(this.runtime.keyEncryptionKey, row.secret_enc, secretAad(id));
      return { keyid: id, clientId: row.client_id, key };
    });
  }
}
