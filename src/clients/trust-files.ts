import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Logger } from 'pino';
import { normaliseSerial, revokedSerials } from './crl-serials';

/** How often the files' modification times are looked at: a replaced CRL counts within this. */
const CHECK_MS = 1000;
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

interface Loaded {
  stamp: string;
  cas: X509Certificate[];
  revoked: Set<string>;
}

/**
 * TLS_CLIENT_CA_FILE and TLS_CLIENT_CRL_FILE as the application reads them
 * (the TLS layer reads its own copy): the CAs that forwarded certificates
 * must be issued by, and the serials no certificate may carry, re-read when
 * either file changes so a revocation reaches connections that were already
 * open. A file that does not parse keeps the previous contents (and warns);
 * one that never parsed means no CA and so no chained certificate.
 */
export class TrustFiles {
  private loaded: Loaded = { stamp: '', cas: [], revoked: new Set() };
  private checkedAt = 0;
  /** The stamp of files that did not parse: warned about once, read again each check until they do. */
  private refused = '';

  constructor(
    private readonly caFile: string | undefined,
    private readonly crlFile: string | undefined,
    private readonly logger: Logger,
  ) {}

  cas(): X509Certificate[] {
    return this.current().cas;
  }

  isRevoked(certificate: X509Certificate): boolean {
    return this.current().revoked.has(normaliseSerial(certificate.serialNumber));
  }

  private current(): Loaded {
    const now = Date.now();
    if (now - this.checkedAt < CHECK_MS) return this.loaded;
    this.checkedAt = now;
    const stamp = [this.caFile, this.crlFile].map((f) => (f ? this.mtime(f) : '-')).join('|');
    if (stamp === this.loaded.stamp) return this.loaded;
    try {
      const cas = this.caFile
        ? (readFileSync(this.caFile, 'latin1').match(PEM_CERT) ?? []).map((pem) => new X509Certificate(pem))
        : [];
      const revoked = this.crlFile ? revokedSerials(readFileSync(this.crlFile)) : new Set<string>();
      this.loaded = { stamp, cas, revoked };
    } catch (err) {
      if (this.refused === stamp) return this.loaded;
      this.refused = stamp;
      // Never the contents: only that the new files were refused.
      this.logger.warn({ err: err instanceof Error ? err.message : 'unknown' }, 'client CA or CRL file not reloaded');
    }
    return this.loaded;
  }

  private mtime(file: string): string {
    try {
      const s = statSync(file);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return 'missing';
    }
  }
}
