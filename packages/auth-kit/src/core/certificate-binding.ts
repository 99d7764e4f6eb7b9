import { createHash, timingSafeEqual } from 'node:crypto';
import { TLSSocket } from 'node:tls';
import { InvalidTokenError } from '../errors';
import { Principal } from './types';

/**
 * RFC 8705 §3.1 `x5t#S256` of the client certificate on a request's connection: base64url
 * SHA-256 of its DER. Undefined over plain HTTP or when the client sent no certificate. Whether
 * the certificate chains to a CA does not matter here: the TLS handshake proved the caller holds
 * its private key, and the binding names this exact certificate.
 */
export function certificateThumbprint(socket: unknown): string | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const certificate = socket.getPeerX509Certificate();
  return certificate ? createHash('sha256').update(certificate.raw).digest('base64url') : undefined;
}

/**
 * A token with a `cnf` claim is usable only with what it confirms. The kit checks `x5t#S256`;
 * any other confirmation method (DPoP `jkt`, say) is one it cannot check, so the token is refused
 * rather than treated as a plain bearer token (RFC 7800 §3: the recipient must understand it).
 */
export function checkCertificateBinding(principal: Principal, thumbprint: string | undefined): void {
  const cnf = principal.claims.cnf;
  if (cnf === undefined) return;
  const bound = cnf && typeof cnf === 'object' ? (cnf as Record<string, unknown>)['x5t#S256'] : undefined;
  if (typeof bound !== 'string') throw new InvalidTokenError('unsupported confirmation method');
  if (thumbprint === undefined) throw new InvalidTokenError('certificate-bound token without a client certificate');
  const a = Buffer.from(bound);
  const b = Buffer.from(thumbprint);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new InvalidTokenError('certificate-bound token with another client certificate');
  }
}
