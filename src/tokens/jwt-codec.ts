import { JwtService } from '@nestjs/jwt';
import type { KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../config/app-config';

/**
 * The one place that builds and checks compact JWS, through @nestjs/jwt
 * (jsonwebtoken on node:crypto). No JOSE is written by hand here: this file
 * only says which options the service uses.
 */
const jwt = new JwtService();
const MAX_TOKEN_LENGTH = 8_192;
const TYP = /^(application\/)?at\+jwt$/i;

export interface SigningMaterial {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: KeyObject;
}

/** RFC 9068 header: `typ: at+jwt`, the key's `alg` and `kid`. */
export function signAccessJwt(claims: object, key: SigningMaterial): string {
  return jwt.sign(
    { ...claims },
    { algorithm: key.alg, privateKey: key.privateKey, header: { alg: key.alg, typ: 'at+jwt', kid: key.kid } },
  );
}

export interface JwtHeader {
  kid: string;
  alg: unknown;
}

/**
 * The header of a token worth verifying, or null. Nothing in it is trusted
 * but `kid`, a lookup into our own keys: `jku`, `x5u`, `jwk` are ignored,
 * an unknown `crit` extension refuses the token (RFC 7515 §4.1.11).
 */
export function readHeader(token: string): JwtHeader | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  let decoded: unknown;
  try {
    decoded = jwt.decode(token, { complete: true, json: true });
  } catch {
    return null;
  }
  const header = (decoded as { header?: Record<string, unknown> } | null)?.header;
  if (!header || typeof header.typ !== 'string' || !TYP.test(header.typ) || header.crit !== undefined) return null;
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 128) return null;
  return { kid: header.kid, alg: header.alg };
}

export interface VerifyExpectations {
  alg: SigningAlgorithm;
  publicPem: string;
  issuer: string;
  /** Omitted: any audience (the caller decides, e.g. introspection of an exchanged token). */
  audience?: string;
  nowSeconds: number;
}

/**
 * Signature, `alg` pinned to the key's own (no `none`, no HS256 keyed with
 * the public key), `iss`, `aud`, `exp`, `nbf`. The payload, or null.
 */
export function verifyAccessJwt(token: string, e: VerifyExpectations): Record<string, unknown> | null {
  try {
    const payload: unknown = jwt.verify(token, {
      publicKey: e.publicPem,
      algorithms: [e.alg],
      issuer: e.issuer,
      audience: e.audience,
      clockTimestamp: e.nowSeconds,
    });
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
