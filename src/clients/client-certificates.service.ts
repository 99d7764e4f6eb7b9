import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Inject, Injectable } from '@nestjs/common';
import proxyAddr from '@fastify/proxy-addr';
import { ROOT_LOGGER, RootLogger } from '../common/logging/logging.module';
import { AppConfig } from '../config/app-config';
import { ClientCertificate, describeCertificate } from '../tls/client-certificate';
import { TrustFiles } from './trust-files';

/** Where a request came from: its connection and its headers. */
export interface CertificateSource {
  readonly socket?: Socket;
  readonly headers: Record<string, string | string[] | undefined>;
}

const MAX_FORWARDED_LENGTH = 16 * 1024;

/**
 * The client certificate of a request (RFC 8705), in one place for every
 * endpoint: the one its TLS connection presented, or, only when the
 * connection comes from an address in TRUSTED_PROXIES, the one that proxy
 * forwards in TLS_CLIENT_CERT_HEADER (never from anybody else: Keycloak
 * CVE-2024-10039). Either is `chained` only when issued by a CA of
 * TLS_CLIENT_CA_FILE, within its validity now, and not in the CRL now (the
 * CRL is read again on change, so a revocation reaches kept-alive
 * connections too). A forwarded certificate must be issued directly by one
 * of those CAs (proxies forward the leaf only).
 */
@Injectable()
export class ClientCertificates {
  private readonly trust: TrustFiles;
  private readonly header?: string;
  private readonly trusted: (addr: string, i: number) => boolean;

  constructor(config: AppConfig, @Inject(ROOT_LOGGER) logger: RootLogger) {
    const c = config.clientCertificates;
    this.trust = new TrustFiles(c.caFile, c.crlFile, logger);
    this.header = c.header;
    this.trusted = proxyAddr.compile(c.trustedProxies);
  }

  of(request: CertificateSource): ClientCertificate | undefined {
    const socket = request.socket;
    if (socket === undefined) return undefined;
    if (this.header !== undefined && this.trusted(socket.remoteAddress ?? '', 0))
      return this.forwarded(request.headers[this.header]);
    if (!(socket instanceof TLSSocket)) return undefined;
    const certificate = socket.getPeerX509Certificate();
    if (certificate === undefined) return undefined;
    return describeCertificate(certificate, socket.authorized && this.current(certificate));
  }

  /** A proxy's forwarded certificate: URL-encoded PEM (nginx $ssl_client_escaped_cert); garbage is no certificate. */
  private forwarded(value: string | string[] | undefined): ClientCertificate | undefined {
    if (typeof value !== 'string' || value === '' || value.length > MAX_FORWARDED_LENGTH) return undefined;
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(decodeURIComponent(value));
    } catch {
      return undefined;
    }
    const issued = this.trust.cas().some((ca) => certificate.checkIssued(ca) && certificate.verify(ca.publicKey));
    return describeCertificate(certificate, issued && this.current(certificate));
  }

  private current(certificate: X509Certificate): boolean {
    const now = Date.now();
    const valid = Date.parse(certificate.validFrom) <= now && now <= Date.parse(certificate.validTo);
    return valid && !this.trust.isRevoked(certificate);
  }
}
