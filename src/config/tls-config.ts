import { existsSync } from 'node:fs';
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
    if (clientCaFile !== undefined) throw new ConfigError('TLS_CLIENT_CA_FILE', 'needs TLS_CERT_FILE and TLS_KEY_FILE');
    return undefined;
  }
  if (certFile === undefined) throw new ConfigError('TLS_CERT_FILE', 'must be set with TLS_KEY_FILE');
  if (keyFile === undefined) throw new ConfigError('TLS_KEY_FILE', 'must be set with TLS_CERT_FILE');
  if (clientCrlFile !== undefined && clientCaFile === undefined) {
    throw new ConfigError('TLS_CLIENT_CRL_FILE', 'needs TLS_CLIENT_CA_FILE');
  }
  return { certFile, keyFile, minVersion, clientCaFile, clientCrlFile };
}
