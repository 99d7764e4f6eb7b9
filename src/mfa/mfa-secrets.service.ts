import { Injectable } from '@nestjs/common';
import { decryptAesGcm, encryptAesGcm } from '../common/crypto/secrets';
import { Runtime } from '../config/runtime';

/** TOTP secrets are stored AES-256-GCM encrypted, bound to their user by the AAD. */
@Injectable()
export class MfaSecrets {
  constructor(private readonly runtime: Runtime) {}

  seal(userId: string, secret: string): Buffer {
    return encryptAesGcm(this.runtime.keyEncryptionKey, Buffer.from(secret, 'utf8'), `mfa:${userId}`);
  }

  open(userId: string, sealed: Buffer): string {
    return decryptAesGcm(this.runtime.keyEncryptionKey, sealed, `mfa:${userId}`).toString('utf8');
  }
}
