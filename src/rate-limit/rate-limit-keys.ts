import { Injectable } from '@nestjs/common';
import { Cache } from '../common/cache/cache';
import { deriveKey, hmacSha256Hex } from '../common/crypto/secrets';
import { Runtime } from '../config/runtime';

/** HKDF `info` of the rate-limit key: changing it re-keys every budget. */
const PURPOSE = 'auth-service/rate-limit-keys/v1';

/**
 * Trackers whose key is remembered. A caller presents the same credential on
 * every request, and an HMAC over a JWT-sized Authorization header costs more
 * than the rest of an introspection's bookkeeping; a flood of distinct
 * trackers only cycles this bound (least recently used goes first).
 */
const REMEMBERED = 10_000;

/**
 * Store keys of rate-limit trackers (IPs, usernames, credential ids). An
 * unsalted SHA-256 of an IPv4 address or a username is reversed by trying
 * every candidate, so whoever reads Redis would learn who is counted. An
 * HMAC under a key derived from KEY_ENCRYPTION_KEY cannot be tested without
 * that key; instances of one deployment share it, hence their budgets.
 * The memo lives in this process only: what leaves it is the HMAC.
 */
@Injectable()
export class RateLimitKeys {
  private readonly secret: Buffer;
  private readonly memo = new Cache<string, string>({ max: REMEMBERED });

  constructor(runtime: Runtime) {
    this.secret = deriveKey(runtime.keyEncryptionKey, PURPOSE);
  }

  key(group: string, tracker: string): string {
    const memoKey = `${group}\u0000${tracker}`;
    let key = this.memo.get(memoKey);
    if (key === undefined) {
      key = `${group}:${hmacSha256Hex(this.secret, tracker).slice(0, 32)}`;
      this.memo.set(memoKey, key);
    }
    return key;
  }
}
