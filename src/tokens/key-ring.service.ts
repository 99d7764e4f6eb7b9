import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { decryptAesGcm } from '../common/crypto/secrets';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { ClusterEvents } from '../revocation/cluster-events.service';
import { Runtime } from '../config/runtime';
import { privateKeyFromDer, publicKeyFromJwk } from './key-material';
import { LoadedKey, SigningKeyRow, SigningKeyState } from './signing-key.types';
import { SigningKeysRepository } from './signing-keys.repository';

export const SIGNING_KEYS_CHANGED = 'signing_keys.changed';
const UNKNOWN_KID_RELOAD_MS = 1_000;
/** JWKS may be cached this long at most, and never longer than a rotated-in key waits before it signs. */
const JWKS_MAX_AGE_SECONDS = 300;

/**
 * The signing keys in memory: which key signs now, which verify, what JWKS
 * publishes. States follow from each key's times, read on every call, so
 * every instance switches to a `next` key at its `activates_at` without a
 * timer, a restart or a message. New keys arrive by the cluster event bus,
 * and so does a withdrawal: the reload drops the withdrawn key, which takes
 * it out of JWKS and kills every token it signed (and any cached claims).
 */
@Injectable()
export class KeyRing implements OnModuleInit {
  private keys: LoadedKey[] = [];
  private lastUnknownReload = 0;
  private signerCache: { key: LoadedKey; until: number } | undefined;

  constructor(
    private readonly repo: SigningKeysRepository,
    private readonly config: AppConfig,
    private readonly runtime: Runtime,
    private readonly events: ClusterEvents,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onModuleInit(): void {
    this.events.on(SIGNING_KEYS_CHANGED, () => {
      this.reload().catch((err: unknown) => this.logger.error({ err }, 'signing key reload failed'));
    });
  }

  /** Null: the key verifies nothing any more (or never signed: replaced before it activated). */
  stateOf(key: Pick<LoadedKey, 'activatesAt' | 'retiredAt'>, now = Date.now()): SigningKeyState | null {
    if (key.retiredAt !== null && key.retiredAt <= key.activatesAt) return null;
    if (key.activatesAt.getTime() > now) return 'next';
    if (key.retiredAt === null || key.retiredAt.getTime() > now) return 'active';
    return key.retiredAt.getTime() + this.config.accessTokenTtl * 1000 > now ? 'retiring' : null;
  }

  /** The key that signs now: the latest activated one still before its retirement. */
  signer(): LoadedKey {
    const now = Date.now();
    if (this.signerCache && now < this.signerCache.until) return this.signerCache.key;
    let best: LoadedKey | undefined;
    for (const key of this.keys) {
      if (this.stateOf(key, now) === 'active' && (!best || key.activatesAt > best.activatesAt)) best = key;
    }
    if (!best) throw new Error('no active signing key');
    this.signerCache = { key: best, until: this.nextChange(now) };
    return best;
  }

  /** A key that may verify tokens now; reloads (at most once a second) on an unknown kid. */
  async verificationKey(kid: string): Promise<LoadedKey | undefined> {
    const known = this.cachedKey(kid);
    if (known || this.keys.some((k) => k.kid === kid)) return known;
    if (Date.now() - this.lastUnknownReload < UNKNOWN_KID_RELOAD_MS) return undefined;
    this.lastUnknownReload = Date.now();
    await this.reload();
    return this.cachedKey(kid);
  }

  /** A key that verifies now, from memory only. */
  cachedKey(kid: string): LoadedKey | undefined {
    const key = this.keys.find((k) => k.kid === kid);
    return key && this.stateOf(key) !== null ? key : undefined;
  }

  /** The JWKS set, newest first: next, active and retiring keys. */
  published(): LoadedKey[] {
    const now = Date.now();
    return this.keys.filter((k) => this.stateOf(k, now) !== null).sort((a, b) => +b.createdAt - +a.createdAt);
  }

  /** Cache-Control max-age of JWKS: a resource server refetches before a freshly published key signs. */
  jwksMaxAge(): number {
    return Math.min(JWKS_MAX_AGE_SECONDS, this.config.signingKeyActivationSeconds);
  }

  async reload(): Promise<void> {
    const rows = await this.repo.loadVerifying(this.config.accessTokenTtl);
    this.keys = rows.map((row) => this.open(row));
    this.signerCache = undefined;
  }

  private open(row: SigningKeyRow): LoadedKey {
    const known = this.keys.find((k) => k.kid === row.kid);
    // Only the retirement time of a key can change: no need to decrypt it again.
    if (known) return { ...known, retiredAt: row.retired_at };
    const der = decryptAesGcm(this.runtime.keyEncryptionKey, row.private_key_enc, row.kid);
    const publicKey = publicKeyFromJwk(row.public_jwk);
    return {
      kid: row.kid,
      alg: row.alg,
      publicJwk: row.public_jwk,
      publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      publicKey,
      privateKey: privateKeyFromDer(der),
      createdAt: row.created_at,
      activatesAt: row.activates_at,
      retiredAt: row.retired_at,
    };
  }

  /** The next instant at which some key changes state (the signer cache lives until then). */
  private nextChange(now: number): number {
    let next = Infinity;
    for (const key of this.keys) {
      for (const t of [key.activatesAt.getTime(), key.retiredAt?.getTime() ?? Infinity])
        if (t > now && t < next) next = t;
    }
    return next;
  }
}
