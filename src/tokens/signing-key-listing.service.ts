import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, toPage } from '../common/http/pagination';
import { KeyRing } from './key-ring.service';
import { LoadedKey, SigningKeyInfo } from './signing-key.types';

/** The admin view of the key ring: public metadata, never a private part. */
@Injectable()
export class SigningKeyListing {
  constructor(private readonly ring: KeyRing) {}

  /**
   * Newest first: the keys JWKS publishes (next, active, retiring); keys
   * whose last token has expired are history and are not listed. Keyset
   * pagination on (created_at, kid).
   */
  list(limit: number, cursor?: string): Page<SigningKeyInfo> {
    const after = decodeCursor<{ t: number; k: string }>(cursor, ['t', 'k']);
    const keys = this.ring
      .published()
      .sort((a, b) => +b.createdAt - +a.createdAt || (a.kid < b.kid ? -1 : 1))
      .filter((k) => !after || +k.createdAt < after.t || (+k.createdAt === after.t && k.kid > after.k));
    return toPage(
      keys,
      limit,
      (k) => this.info(k),
      (k) => ({ t: +k.createdAt, k: k.kid }),
    );
  }

  info(key: LoadedKey): SigningKeyInfo {
    return {
      kid: key.kid,
      alg: key.alg,
      state: this.ring.stateOf(key) ?? 'retiring',
      created_at: key.createdAt.toISOString(),
      activates_at: key.activatesAt.toISOString(),
    };
  }
}
