import { createPublicKey, JsonWebKey } from 'node:crypto';
import { ProblemError } from '../common/errors/problem-error';
import { CertificateBinding, rfc4514Rdns } from './certificate-binding';
import type { TokenEndpointAuthMethod } from './client.types';
import type { CreateClientDto } from './dto/create-client.dto';

/** How a new client will authenticate, as stored. */
export interface ClientAuthRegistration {
  method: TokenEndpointAuthMethod;
  /** Only the secret methods get a secret; certificate clients never have one. */
  usesSecret: boolean;
  certificate: CertificateBinding | null;
}

type Field = 'token_endpoint_auth_method' | 'tls_client_auth_subject_dn' | 'tls_client_auth_san_dns' | 'jwks';

const MAX_KEYS = 10;
/** Members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function invalid(field: Field, message: string): ProblemError {
  return ProblemError.validation([{ field, message }]);
}

/** The registered keys in their canonical public form (what certificateMatches compares), or a 422. */
function publicKeys(jwks: Record<string, unknown>): JsonWebKey[] {
  const keys = jwks.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw invalid('jwks', `jwks must be {"keys": [...]} with 1 to ${MAX_KEYS} keys`);
  }
  return keys.map((key: unknown) => {
    if (typeof key !== 'object' || key === null || Array.isArray(key))
      throw invalid('jwks', 'each key must be a JWK object');
    if (PRIVATE_MEMBERS.some((member) => member in key)) throw invalid('jwks', 'jwks must hold public keys only');
    try {
      const exported = createPublicKey({ key: key as JsonWebKey, format: 'jwk' }).export({ format: 'jwk' });
      if (exported.kty === 'oct') throw new Error('symmetric');
      return exported;
    } catch {
      throw invalid('jwks', 'each key must be a valid EC, RSA or OKP public JWK');
    }
  });
}

function validDn(dn: string): boolean {
  return rfc4514Rdns(dn).every((rdn) => !rdn.startsWith('?') && !rdn.endsWith('='));
}

function certificateBinding(
  method: 'tls_client_auth' | 'self_signed_tls_client_auth',
  dto: CreateClientDto,
): CertificateBinding {
  const dn = dto.tls_client_auth_subject_dn;
  const san = dto.tls_client_auth_san_dns;
  if (method === 'self_signed_tls_client_auth') {
    if (dn !== undefined || san !== undefined) {
      throw invalid('tls_client_auth_subject_dn', 'self_signed_tls_client_auth is matched by jwks, not by name');
    }
    if (dto.jwks === undefined) throw invalid('jwks', 'self_signed_tls_client_auth requires jwks');
    return { method, jwks: publicKeys(dto.jwks) };
  }
  if (dto.jwks !== undefined) throw invalid('jwks', 'jwks is for self_signed_tls_client_auth');
  if ((dn === undefined) === (san === undefined)) {
    throw invalid(
      'tls_client_auth_subject_dn',
      'tls_client_auth requires exactly one of tls_client_auth_subject_dn and tls_client_auth_san_dns',
    );
  }
  if (dn !== undefined && !validDn(dn))
    throw invalid('tls_client_auth_subject_dn', 'not an RFC 4514 distinguished name');
  if (san !== undefined && !DNS_NAME.test(san)) throw invalid('tls_client_auth_san_dns', 'not a DNS name');
  return { method, subjectDn: dn ?? null, sanDns: san?.toLowerCase() ?? null };
}

/**
 * The one rule of how a client may authenticate (RFC 7591 §2 with RFC 8705
 * §2): a confidential client uses a secret (basic or post) unless it names a
 * certificate method, which makes it a client without any secret; a public
 * client uses none. The certificate fields belong to their method only.
 */
export function clientAuthRegistration(dto: CreateClientDto): ClientAuthRegistration {
  const method = dto.token_endpoint_auth_method ?? (dto.confidential ? 'client_secret_basic' : 'none');
  if ((method === 'none') === dto.confidential) {
    throw invalid(
      'token_endpoint_auth_method',
      dto.confidential ? 'a confidential client must authenticate' : 'a public client uses none',
    );
  }
  if (method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') {
    return { method, usesSecret: false, certificate: certificateBinding(method, dto) };
  }
  if (
    dto.tls_client_auth_subject_dn !== undefined ||
    dto.tls_client_auth_san_dns !== undefined ||
    dto.jwks !== undefined
  ) {
    throw invalid(
      'token_endpoint_auth_method',
      'certificate fields need tls_client_auth or self_signed_tls_client_auth',
    );
  }
  return { method, usesSecret: dto.confidential, certificate: null };
}
