import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  JsonWebKey,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import type { SigningAlgorithm } from '../config/app-config';

export interface GeneratedKey {
  kid: string;
  alg: SigningAlgorithm;
  privateDer: Buffer;
  publicJwk: JsonWebKey;
}

export function generateSigningKey(alg: SigningAlgorithm): GeneratedKey {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomBytes(12).toString('base64url');
  return {
    kid,
    alg,
    privateDer: pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
    publicJwk: publicJwkOf(pair.publicKey, kid, alg),
  };
}

/** Only public members: the JWK export of a public KeyObject never holds `d`, `p`, `q`... */
export function publicJwkOf(publicKey: KeyObject, kid: string, alg: SigningAlgorithm): JsonWebKey {
  return { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

export function privateKeyFromDer(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

export function publicKeyFromJwk(jwk: JsonWebKey): KeyObject {
  return createPublicKey({ key: jwk, format: 'jwk' });
}
