import type { JsonWebKey } from 'node:crypto';
import type { PresentedCertificate } from '../tls/client-certificate';

export type { PresentedCertificate };

export type CertificateAuthMethod = 'tls_client_auth' | 'self_signed_tls_client_auth';

/** What a client registered to be recognised by its certificate (RFC 8705 §2). */
export interface CertificateBinding {
  method: CertificateAuthMethod;
  /** tls_client_auth: an RFC 4514 subject DN, compared as a DN. */
  subjectDn?: string | null;
  /** tls_client_auth: a DNS name that must be among the certificate's SAN entries. */
  sanDns?: string | null;
  /** self_signed_tls_client_auth: the public keys the certificate may carry. */
  jwks?: JsonWebKey[] | null;
}

const KEY_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

const HEX_PAIR = /\\([0-9a-fA-F]{2})/g;

function normaliseValue(value: string): string {
  const unescaped = value
    .replace(HEX_PAIR, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\(.)/g, '$1');
  return unescaped.trim().replace(/\s+/g, ' ').toLowerCase();
}

function normaliseRdn(rdn: string): string {
  const eq = rdn.indexOf('=');
  if (eq <= 0) return `?${rdn}`;
  return `${rdn.slice(0, eq).trim().toUpperCase()}=${normaliseValue(rdn.slice(eq + 1))}`;
}

/** Splits on separators that are not escaped with a backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length) {
      current += text[i] + text[i + 1];
      i++;
    } else if (text[i] === separator) {
      parts.push(current);
      current = '';
    } else current += text[i];
  }
  parts.push(current);
  return parts;
}

/** An RFC 4514 string (least significant RDN first) as normalised RDNs, most significant first. */
export function rfc4514Rdns(dn: string): string[] {
  return splitUnescaped(dn, ',').map(normaliseRdn).reverse();
}

/** Node's X509Certificate.subject as normalised RDNs, most significant first. */
export function nodeSubjectRdns(subject: string): string[] {
  return subject
    .split('\n')
    .filter((line) => line.length > 0)
    .map(normaliseRdn);
}

function sameKey(a: JsonWebKey, b: JsonWebKey): boolean {
  return KEY_MEMBERS.every((member) => a[member] === b[member]) && a.kty !== undefined;
}

/**
 * True when the presented certificate authenticates a client with this
 * binding. tls_client_auth: the certificate chained to TLS_CLIENT_CA_FILE
 * (unexpired, not in the CRL) AND its subject equals the registered DN, or
 * the registered DNS name is among its SANs. self_signed_tls_client_auth:
 * the certificate is within its validity and carries one of the
 * registered public keys; no chain is asked for (RFC 8705 §2.2).
 */
export function certificateMatches(binding: CertificateBinding, cert: PresentedCertificate, now = new Date()): boolean {
  if (binding.method === 'tls_client_auth') {
    if (!cert.chained) return false;
    if (binding.subjectDn) {
      const wanted = rfc4514Rdns(binding.subjectDn);
      const got = nodeSubjectRdns(cert.subject);
      return wanted.length === got.length && wanted.every((rdn, i) => rdn === got[i]);
    }
    return !!binding.sanDns && cert.sanDns.includes(binding.sanDns.toLowerCase());
  }
  if (now < cert.validFrom || now > cert.validTo) return false;
  return (binding.jwks ?? []).some((jwk) => sameKey(jwk, cert.publicKey));
}
