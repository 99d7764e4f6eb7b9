import { createHmac, generateKeyPairSync, KeyObject, sign } from 'node:crypto';

/**
 * Hand-rolled JWS forging over node:crypto, so each attack controls every
 * byte of header, payload and signature (a JOSE library refuses to build
 * most of these tokens on purpose).
 */
export type Json = Record<string, unknown>;

export const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');
export const encodePart = (value: Json): string => b64url(JSON.stringify(value));

export function decodePart(part: string): Json {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Json;
}

export function splitJwt(token: string): { header: Json; payload: Json; signature: string } {
  const [h, p, s] = token.split('.');
  return { header: decodePart(h), payload: decodePart(p), signature: s };
}

/** How the forged token is signed. */
export type Signer =
  | { kind: 'none'; signature?: string }
  | { kind: 'hmac'; alg: 'HS256' | 'HS384' | 'HS512'; secret: string | Buffer }
  | { kind: 'rsa'; alg: 'RS256' | 'RS384' | 'RS512' | 'PS256'; key: KeyObject };

const HASH: Record<string, string> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
};

/** Signs `header.payload` as given: the header's `alg` is NOT forced to match the signer. */
export function forge(header: Json, payload: Json, signer: Signer): string {
  const input = `${encodePart(header)}.${encodePart(payload)}`;
  return `${input}.${signPart(input, signer)}`;
}

export function signPart(input: string, signer: Signer): string {
  if (signer.kind === 'none') return signer.signature ?? '';
  if (signer.kind === 'hmac') return createHmac(HASH[signer.alg], signer.secret).update(input).digest('base64url');
  // padding 6 = RSA_PKCS1_PSS_PADDING
  const options = signer.alg === 'PS256' ? { key: signer.key, padding: 6, saltLength: 32 } : signer.key;
  return sign(HASH[signer.alg], Buffer.from(input), options).toString('base64url');
}

/** Re-signs an existing token's (possibly edited) header and payload. */
export function resign(
  token: string,
  edit: { header?: (h: Json) => Json; payload?: (p: Json) => Json },
  signer: Signer,
): string {
  const { header, payload } = splitJwt(token);
  return forge(
    edit.header ? edit.header({ ...header }) : header,
    edit.payload ? edit.payload({ ...payload }) : payload,
    signer,
  );
}

/** An attacker's own RSA key pair (2048 bits, as the service's). */
export function attackerRsaKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
