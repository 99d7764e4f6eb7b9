import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/** 32 bytes = 256 bits of randomness, as the contract asks of every generated secret. */
const SECRET_BYTES = 32;

/** A new high-entropy secret with a readable type prefix (`cs_`, `ak_`, `rt_`). */
export function generateSecret(prefix: string, bytes = SECRET_BYTES): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** A short random identifier (not a secret): for ids shown in clear. */
export function generateIdentifier(bytes = 12): string {
  return randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');
}

/**
 * SHA-256 of a high-entropy secret. A slow hash adds nothing to 256 bits of
 * entropy and would cost ~200 ms per request (DESIGN.md decision 3).
 */
export function sha256(value: string | Buffer): Buffer {
  // One-shot crypto.hash: no Hash object per call. Through hex because its 'buffer' output is slower on Node 20.
  return Buffer.from(hash('sha256', value, 'hex'), 'hex');
}

export function sha256Hex(value: string | Buffer): string {
  return hash('sha256', value, 'hex');
}

/** Constant-time comparison of two buffers, false when lengths differ. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** AES-256-GCM: output is iv || tag || ciphertext. `aad` binds the ciphertext to its row. */
export function encryptAesGcm(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

export function decryptAesGcm(key: Buffer, blob: Buffer, aad: string): Buffer {
  const iv = blob.subarray(0, GCM_IV_BYTES);
  const tag = blob.subarray(GCM_IV_BYTES, GCM_IV_BYTES + GCM_TAG_BYTES);
  const ciphertext = blob.subarray(GCM_IV_BYTES + GCM_TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/**
 * A 32-byte key for one purpose, derived with HKDF-SHA256 from a master key
 * (KEY_ENCRYPTION_KEY): each use gets its own key, and none reveals the master.
 */
export function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), purpose, 32));
}

/** HMAC-SHA256, hex: a keyed hash, so a reader of the output cannot test guesses of the input. */
export function hmacSha256Hex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}
