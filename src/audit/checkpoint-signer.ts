import { Injectable } from '@nestjs/common';
import { createHash, createPrivateKey, createPublicKey, hkdfSync, KeyObject, sign, verify } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { Runtime } from '../config/runtime';
import { canonicalJson } from './jcs';

/** What a checkpoint signs (API.md): the JCS bytes of these three members. */
export interface CheckpointBody {
  seq: number;
  hash: string;
  signed_at: string;
}

export interface Checkpoint extends CheckpointBody {
  signature: string;
  kid: string;
}

export interface CheckpointJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
}

/** PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const HKDF_INFO = 'auth-service audit checkpoint ed25519 v1';

/**
 * The Ed25519 key that signs audit checkpoints. It lives only in memory,
 * derived from AUDIT_SIGNING_KEY or, by HKDF, from KEY_ENCRYPTION_KEY: never
 * in the database, so someone who can rewrite the audit table cannot also
 * sign a checkpoint for the rewritten chain.
 */
@Injectable()
export class CheckpointSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly jwk: CheckpointJwk;

  constructor(config: AppConfig, runtime: Runtime) {
    const seed =
      config.audit.signingKey ??
      Buffer.from(hkdfSync('sha256', runtime.keyEncryptionKey, Buffer.alloc(0), HKDF_INFO, 32));
    this.privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    this.publicKey = createPublicKey(this.privateKey);
    const x = (this.publicKey.export({ format: 'jwk' }) as { x: string }).x;
    // RFC 7638 thumbprint: a kid that names this exact key.
    const kid = createHash('sha256')
      .update(canonicalJson({ crv: 'Ed25519', kty: 'OKP', x }))
      .digest('base64url');
    this.jwk = { kty: 'OKP', crv: 'Ed25519', x, kid };
  }

  sign(body: CheckpointBody): Checkpoint {
    const signature = sign(null, Buffer.from(canonicalJson(this.signed(body))), this.privateKey).toString('base64url');
    return { ...this.signed(body), signature, kid: this.jwk.kid };
  }

  /** False for another key's checkpoint too: only this key's signatures vouch for anything. */
  verify(checkpoint: Checkpoint): boolean {
    if (checkpoint.kid !== this.jwk.kid || !/^[A-Za-z0-9_-]{86}$/.test(checkpoint.signature)) return false;
    return verify(
      null,
      Buffer.from(canonicalJson(this.signed(checkpoint))),
      this.publicKey,
      Buffer.from(checkpoint.signature, 'base64url'),
    );
  }

  private signed(body: CheckpointBody): CheckpointBody {
    return { hash: body.hash, seq: body.seq, signed_at: body.signed_at };
  }
}
