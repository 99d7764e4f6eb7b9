import { Injectable } from '@nestjs/common';
import { deriveKey, hmacSha256Hex } from '../common/crypto/secrets';
import { Runtime } from '../config/runtime';

/** HKDF `info` of the rate-limit key: changing it re-keys every budget. */
const PURPOSE = 'auth-service/rate-limit-keys/v1';

/**
 * Store keys of rate-limit trackers (IPs, usernames, credential ids). An
 * unsalted SHA-256 of an IPv4 address or a username is reversed by trying
 * every candidate, so whoever reads Redis would learn who is counted. An
 * HMAC under a key derived from KEY_ENCRYPTION_KEY cannot be tested without
 * that key; instances of one deployment share it, hence their budgets.
 */
@Injectable()
export class RateLimitKeys {
  private readonly secret: Buffer;

  constructor(runtime: Runtime) {
    this.secret = deriveKey(runtime.keyEncryptionKey, PURPOSE);
  }

  key(group: string, tracker: string): string {
    return `${group}:${hmacSha256Hex(this.secret, tracker).slice(0, 32)}`;
  }
}
