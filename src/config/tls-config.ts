import { existsSync } from 'node:fs';
import proxyAddr from '@fastify/proxy-addr';
import { ConfigError, EnvReader } from './env-reader';

export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

/** HTTPS and mutual TLS (API.md "TLS and mutual TLS"); absent when the service speaks plain HTTP. */
export interface TlsConfig {
  certFile: string;
  keyFile: string;
  minVersion: TlsMinVersion;
  /** CAs that `tls_client_auth` trusts. */
  clientCaFile?: string;
  /** A CRL of those CAs, reloaded on change. */
  clientCrlFile?: string;
}

function file(r: EnvReader, name: string): string | undefined {
  const path = r.raw(name);
  if (path === undefined || path === '') return undefined;
  if (!existsSync(path)) throw new ConfigError(name, `names a file that does not exist: ${path}`);
  return path;
}

/** TLS_CERT_FILE and TLS_KEY_FILE go together; the other TLS_* variables need them. */
export function readTlsConfig(r: EnvReader): TlsConfig | undefined {
  const certFile = file(r, 'TLS_CERT_FILE');
  const keyFile = file(r, 'TLS_KEY_FILE');
  const clientCaFile = file(r, 'TLS_CLIENT_CA_FILE');
  const clientCrlFile = file(r, 'TLS_CLIENT_CRL_FILE');
  const minVersion = r.oneOf<TlsMinVersion>('TLS_MIN_VERSION', ['TLSv1.2', 'TLSv1.3'], 'TLSv1.3');
  if (certFile === undefined && keyFile === undefined) {
    // Behind a TLS-terminating proxy the CA judges the certificates it forwards (TLS_CLIENT_CERT_HEADER).
    if (clientCaFile !== undefined && r.raw('TLS_CLIENT_CERT_HEADER') === undefined) {
      throw new ConfigError('TLS_CLIENT_CA_FILE', 'needs TLS_CERT_FILE and TLS_KEY_FILE, or TLS_CLIENT_CERT_HEADER');
    }
    return undefined;
  }
  if (certFile === undefined) throw new ConfigError('TLS_CERT_FILE', 'must be set with TLS_KEY_FILE');
  if (keyFile === undefined) throw new ConfigError('TLS_KEY_FILE', 'must be set with TLS_CERT_FILE');
  if (clientCrlFile !== undefined && clientCaFile === undefined) {
    throw new ConfigError('TLS_CLIENT_CRL_FILE', 'needs TLS_CLIENT_CA_FILE');
  }
  return { certFile, keyFile, minVersion, clientCaFile, clientCrlFile };
}

/** Where client certificates come from besides the service's own TLS handshake (RFC 8705 behind a proxy). */
export interface ClientCertificateConfig {
  /** CAs that tls_client_auth trusts (TLS_CLIENT_CA_FILE), also for forwarded certificates. */
  caFile?: string;
  crlFile?: string;
  /** Lower-case header carrying a URL-encoded PEM certificate (nginx $ssl_client_escaped_cert); off when unset. */
  header?: string;
  /** Socket addresses (IPs, CIDRs) whose forwarded certificate header is believed; empty: none. */
  trustedProxies: string[];
}

const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/**
 * TLS_CLIENT_CERT_HEADER and TRUSTED_PROXIES. Off by default: a forwarded
 * certificate header believed from anybody lets any caller claim any
 * certificate (Keycloak CVE-2024-10039), so it needs both variables.
 */
export function readClientCertificateConfig(r: EnvReader): ClientCertificateConfig {
  const header = r.raw('TLS_CLIENT_CERT_HEADER')?.trim().toLowerCase() || undefined;
  const trustedProxies = r.list('TRUSTED_PROXIES');
  if (header !== undefined && !HEADER_NAME.test(header)) {
    throw new ConfigError('TLS_CLIENT_CERT_HEADER', 'is not a header name');
  }
  if (header !== undefined && trustedProxies.length === 0) {
    throw new ConfigError('TLS_CLIENT_CERT_HEADER', 'needs TRUSTED_PROXIES (the proxies allowed to forward it)');
  }
  try {
    proxyAddr.compile(trustedProxies);
  } catch {
    throw new ConfigError('TRUSTED_PROXIES', 'must be a comma-separated list of IP addresses or CIDR ranges');
  }
  return { caFile: file(r, 'TLS_CLIENT_CA_FILE'), crlFile: file(r, 'TLS_CLIENT_CRL_FILE'), header, trustedProxies };
}
