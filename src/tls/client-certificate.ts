import { JsonWebKey, X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { sha256 } from '../common/crypto/secrets';

/** What client authentication needs to know of a presented certificate (RFC 8705). */
export interface PresentedCertificate {
  /** True when it chains to TLS_CLIENT_CA_FILE, is unexpired and not in the CRL. */
  chained: boolean;
  /** Node's form of the subject DN: one `TYPE=value` per line, most significant first. */
  subject: string;
  sanDns: string[];
  publicKey: JsonWebKey;
  validFrom: Date;
  validTo: Date;
}

/** What the TLS handshake showed of the client's certificate. */
export interface ClientCertificate extends PresentedCertificate {
  /** `cnf.x5t#S256`: base64url SHA-256 of the certificate's DER. */
  thumbprint: string;
}

function dnsNames(certificate: X509Certificate): string[] {
  const san = certificate.subjectAltName ?? '';
  return san
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase());
}

/**
 * The client certificate of a request's connection, or undefined for plain
 * HTTP or no certificate. The TLS layer asked for one without requiring it,
 * so an unverified certificate arrives too; `chained` says whether it
 * verified, and the client authenticator decides what it is worth.
 */
export function clientCertificate(socket: Socket): ClientCertificate | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const certificate = socket.getPeerX509Certificate();
  if (certificate === undefined) return undefined;
  return describeCertificate(certificate, socket.authorized);
}

/** The fields of a certificate that client authentication reads; `chained` as the caller established it. */
export function describeCertificate(certificate: X509Certificate, chained: boolean): ClientCertificate {
  return {
    thumbprint: sha256(certificate.raw).toString('base64url'),
    chained,
    subject: certificate.subject,
    sanDns: dnsNames(certificate),
    publicKey: certificate.publicKey.export({ format: 'jwk' }),
    validFrom: new Date(certificate.validFrom),
    validTo: new Date(certificate.validTo),
  };
}
