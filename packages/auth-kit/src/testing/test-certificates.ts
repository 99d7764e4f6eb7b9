import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pem {
  cert: string;
  key: string;
  /** `x5t#S256`: base64url SHA-256 of the DER. */
  thumbprint: string;
}

export interface TestCertificates {
  ca: string;
  server: Pem;
  clients: Pem[];
}

/**
 * A throwaway CA, a server certificate for 127.0.0.1/localhost and `clients` client
 * certificates, made with the machine's `openssl` (EC P-256, one day) in a temp dir removed after.
 */
export function makeTestCertificates(clients = 2): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'auth-kit-certs-'));
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  try {
    ssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=auth-kit test CA',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
    );
    const issue = (name: string, subject: string, ext: string): Pem => {
      writeFileSync(join(dir, `${name}.ext`), ext);
      ssl(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-subj',
        subject,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
      );
      ssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      );
      const cert = read(`${name}.pem`);
      const thumbprint = createHash('sha256').update(new X509Certificate(cert).raw).digest('base64url');
      return { cert, key: read(`${name}.key`), thumbprint };
    };
    const server = issue(
      'server',
      '/CN=localhost',
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
    );
    const list = Array.from({ length: clients }, (_, i) =>
      issue(`client${i}`, `/CN=client-${i}`, 'extendedKeyUsage=clientAuth\n'),
    );
    return { ca: read('ca.pem'), server, clients: list };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
