import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { ServerOptions } from 'node:https';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { TlsConfig } from '../config/tls-config';

/**
 * Suites: every TLS 1.3 suite (all AEAD), and for TLS 1.2, allowed only by
 * explicit option, ECDHE key exchange with AEAD ciphers only (API.md).
 */
const CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');
const POLL_MS = 500;
/** A rotation writes two or more files: wait for the writes to settle before reading them. */
const SETTLE_MS = 250;

/**
 * The service's certificate, key, client CAs and CRL, read from files and
 * read again when any of them changes, so a certificate is rotated (or a
 * CRL updated) without a restart. Connections already open keep the
 * context they shook hands with; new ones get the new one. A half-written
 * rotation (a key that does not match its certificate) is refused and the
 * old context stays until the files are consistent.
 */
export class TlsFiles {
  private servers: TlsServer[] = [];
  private timer?: NodeJS.Timeout;
  private readonly files: string[];
  private readonly listener = (): void => this.changed();

  constructor(
    private readonly config: TlsConfig,
    private readonly logger: Logger,
  ) {
    this.files = [config.certFile, config.keyFile, config.clientCaFile, config.clientCrlFile].filter(
      (f): f is string => f !== undefined,
    );
  }

  /**
   * Options for `https.createServer`: a client certificate is asked for,
   * never required (API.md): the handshake completes with any certificate
   * or none, and the application decides what an unverified one is worth.
   */
  serverOptions(): ServerOptions {
    return { ...this.contextOptions(), requestCert: true, rejectUnauthorized: false };
  }

  /** Starts watching the files for `server`; stops with `close()`. */
  watch(server: TlsServer): void {
    this.servers.push(server);
    if (this.servers.length > 1) return;
    for (const file of this.files) watchFile(file, { interval: POLL_MS, persistent: false }, this.listener);
  }

  close(): void {
    // Only this instance's listener: another server may watch the same files.
    for (const file of this.files) unwatchFile(file, this.listener);
    clearTimeout(this.timer);
    this.servers = [];
  }

  private changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), SETTLE_MS);
    this.timer.unref();
  }

  private reload(): void {
    try {
      const options = this.contextOptions();
      for (const server of this.servers) server.setSecureContext(options);
      this.logger.info('TLS certificate, key and client CA files reloaded');
    } catch (err) {
      // Never the file contents: only which kind of failure it was.
      this.logger.warn(
        { err: err instanceof Error ? err.message : 'unknown' },
        'TLS files not reloaded; keeping the old ones',
      );
    }
  }

  private contextOptions(): ServerOptions {
    const read = (file: string | undefined): Buffer | undefined =>
      file === undefined ? undefined : readFileSync(file);
    return {
      cert: read(this.config.certFile),
      key: read(this.config.keyFile),
      ca: read(this.config.clientCaFile),
      crl: read(this.config.clientCrlFile),
      minVersion: this.config.minVersion,
      ciphers: CIPHERS,
      honorCipherOrder: true,
    };
  }
}
