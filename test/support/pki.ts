import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away PKI for the TLS tests, made with the machine's openssl: a CA,
 * a server certificate for 127.0.0.1/localhost, client certificates (valid,
 * expired, revoked and listed in a CRL), one from another CA, and a
 * self-signed one. Files only; nothing is installed anywhere.
 */
export interface Pki {
  dir: string;
  caFile: string;
  crlFile: string;
  serverCert: string;
  serverKey: string;
  client: PkiLeaf;
  expired: PkiLeaf;
  revoked: PkiLeaf;
  untrusted: PkiLeaf;
  selfSigned: PkiLeaf;
  /** A second server certificate for the same names, to test rotation. */
  serverCert2: string;
  serverKey2: string;
}

export interface PkiLeaf {
  cert: string;
  key: string;
  certPem: string;
  keyPem: string;
}

const CA_CONFIG = `
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = index.txt
serial = serial
new_certs_dir = .
certificate = ca.crt
private_key = ca.key
default_md = sha256
policy = any
copy_extensions = copy
default_crl_days = 1
unique_subject = no
[ any ]
commonName = supplied
organizationName = optional
[ leaf ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = serverAuth, clientAuth
`;

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function newKeyAndCsr(dir: string, name: string, subject: string, san: string): void {
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
    '-addext',
    `subjectAltName=${san}`,
  ]);
}

function sign(dir: string, name: string, dates: string[] = ['-days', '1']): void {
  openssl(dir, [
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-extensions',
    'leaf',
    ...dates,
    '-in',
    `${name}.csr`,
    '-out',
    `${name}.crt`,
  ]);
}

function leaf(dir: string, name: string): PkiLeaf {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  return { cert, key, certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'auth-pki-'));
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/O=Auth Test/CN=Auth Test CA',
  ]);
  for (const [name, subject, san] of [
    ['server', '/CN=localhost', 'IP:127.0.0.1,DNS:localhost'],
    ['server2', '/CN=localhost', 'IP:127.0.0.1,DNS:localhost'],
    ['client', '/O=Fleet/CN=svc-a', 'DNS:svc-a.internal'],
    ['expired', '/O=Fleet/CN=svc-old', 'DNS:svc-old.internal'],
    ['revoked', '/O=Fleet/CN=svc-revoked', 'DNS:svc-revoked.internal'],
  ]) {
    newKeyAndCsr(dir, name, subject, san);
  }
  for (const name of ['server', 'server2', 'client', 'revoked']) sign(dir, name);
  sign(dir, 'expired', ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']);
  openssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-revoke', 'revoked.crt']);
  openssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-gencrl', '-out', 'crl.pem']);
  // Another CA's client, and a self-signed one (self_signed_tls_client_auth).
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'untrusted.key',
    '-out',
    'untrusted.crt',
    '-days',
    '1',
    '-subj',
    '/O=Fleet/CN=svc-a',
    '-addext',
    'subjectAltName=DNS:svc-a.internal',
  ]);
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'self.key',
    '-out',
    'self.crt',
    '-days',
    '1',
    '-subj',
    '/CN=svc-self',
  ]);
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    crlFile: join(dir, 'crl.pem'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    serverCert2: join(dir, 'server2.crt'),
    serverKey2: join(dir, 'server2.key'),
    client: leaf(dir, 'client'),
    expired: leaf(dir, 'expired'),
    revoked: leaf(dir, 'revoked'),
    untrusted: leaf(dir, 'untrusted'),
    selfSigned: leaf(dir, 'self'),
  };
}
