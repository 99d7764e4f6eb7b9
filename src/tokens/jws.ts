import { KeyObject, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import type { SigningAlgorithm } from '../config/app-config';

/**
 * Compact JWS over node:crypto for RS256, ES256 and EdDSA: one signing and
 * one verification path for every configured algorithm (jsonwebtoken, under
 * @nestjs/jwt, has no EdDSA). The verifier trusts nothing from the header
 * but `kid` (a lookup into our own keys) and `alg` (which must equal that
 * key's algorithm): `jku`, `x5u`, `jwk` and `alg: none` are never honoured.
 */

const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 8_192;

function digestFor(alg: SigningAlgorithm): string | null {
  return alg === 'EdDSA' ? null : 'sha256';
}

function keyFor(alg: SigningAlgorithm, key: KeyObject): KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' } {
  return alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
}

export function signJws(header: Record<string, unknown>, payload: Record<string, unknown>, alg: SigningAlgorithm, key: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify({ ...header, alg })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = cryptoSign(digestFor(alg), Buffer.from(input), keyFor(alg, key));
  return `${input}.${signature.toString('base64url')}`;
}

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function parseJsonObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Splits and parses without verifying; null for anything that is not a well-formed compact JWS. */
export function decodeJws(token: string): DecodedJws | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => p.length > 0 && B64URL.test(p))) return null;
  const header = parseJsonObject(parts[0]);
  const payload = parseJsonObject(parts[1]);
  if (!header || !payload) return null;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

export function verifySignature(decoded: DecodedJws, alg: SigningAlgorithm, key: KeyObject): boolean {
  try {
    return cryptoVerify(digestFor(alg), Buffer.from(decoded.signingInput), keyFor(alg, key), decoded.signature);
  } catch {
    return false;
  }
}
