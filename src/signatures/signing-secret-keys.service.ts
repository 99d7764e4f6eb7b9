import { Injectable, OnModuleInit } from '@nestjs/common';
import { decryptAesGcm } from '../common/crypto/secrets';
import { CLIENT_CHANGED } from '../clients/client-store.service';
import { ClusterEvents } from '../database/cluster-events.service';
import { Tx } from '../database/tx';
import { Runtime } from '../runtime';
import { SigningSecretsRepository } from './signing-secrets.repository';

export const SIGNING_SECRET_CHANGED = 'signing_secret.changed';
const NEGATIVE_TTL_MS = 10_000;
const MAX_ENTRIES = 50_000;

export interface SigningKey {
  keyid: string;
  clientId: string;
  /** The HMAC key: the UTF-8 bytes of the whole secret string, prefix included (API.md). */
  key: Buffer;
}

interface Entry {
  key: SigningKey | null;
  until: number;
}

/** The AES-GCM associated data that binds a sealed secret to its keyid. */
export const secretAad = (keyid: string): string => `signing-secret:${keyid}`;

/**
 * keyid -> HMAC key, in memory: verification is a map lookup in steady
 * state. A deleted secret, or any change to its client (deletion), evicts
 * it on every instance through the NOTIFY bus, so a deletion takes effect
 * at once here and within a second elsewhere. Unknown keyids are
 * remembered briefly so a flood of garbage ids is not a flood of queries.
 */
@Injectable()
export class SigningSecretKeys implements OnModuleInit {
  private readonly cache = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<SigningKey | null>>();
  private generation = 0;

  constructor(
    private readonly repo: SigningSecretsRepository,
    private readonly events: ClusterEvents,
    private readonly runtime: Runtime,
  ) {}

  onModuleInit(): void {
    this.events.on(SIGNING_SECRET_CHANGED, (e) => this.evict((k) => k.keyid === e.keyid));
    this.events.on(CLIENT_CHANGED, (e) => this.evict((k) => k.clientId === e.clientId));
    this.events.onSync(async () => this.evict(() => true));
  }

  /** Announces a change inside the writing transaction. */
  async changed(tx: Tx, keyid: string): Promise<void> {
    await this.events.publish(tx, { type: SIGNING_SECRET_CHANGED, keyid });
  }

  get(keyid: string): Promise<SigningKey | null> {
    const hit = this.cache.get(keyid);
    if (hit && hit.until > Date.now()) return Promise.resolve(hit.key);
    let pending = this.loading.get(keyid);
    if (!pending) {
      pending = this.load(keyid, this.generation).finally(() => this.loading.delete(keyid));
      this.loading.set(keyid, pending);
    }
    return pending;
  }

  private async load(keyid: string, generation: number): Promise<SigningKey | null> {
    const row = await this.repo.findLive(keyid);
    const key = row
      ? { keyid, clientId: row.client_id, key: decryptAesGcm(this.runtime.keyEncryptionKey, row.secret_enc, secretAad(keyid)) }
      : null;
    // An eviction while the query ran makes its answer stale: use it once, do not keep it.
    if (generation !== this.generation) return key;
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(keyid, { key, until: key ? Number.POSITIVE_INFINITY : Date.now() + NEGATIVE_TTL_MS });
    return key;
  }

  private evict(matches: (key: SigningKey) => boolean): void {
    this.generation++;
    this.loading.clear();
    for (const [keyid, entry] of this.cache) {
      if (entry.key === null || matches(entry.key)) this.cache.delete(keyid);
    }
  }
}
