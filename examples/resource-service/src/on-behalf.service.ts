import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { createServiceFetch, Principal, TokenSource } from '@auth-service/auth-kit';
import { ExampleConfig } from './config';
import { EXAMPLE_CONFIG } from './tokens';

export interface DownstreamAnswer {
  status: number;
  body: unknown;
}

/**
 * Calls the downstream `/whoami` as the user: the user's token is exchanged (RFC 8693) for one
 * whose audience is the downstream service, narrowed to `scope`; the kit caches it per
 * (user token, audience, scope) and retries a 401 once with a fresh exchange.
 */
@Injectable()
export class OnBehalfService {
  constructor(
    private readonly tokens: TokenSource,
    @Inject(EXAMPLE_CONFIG) private readonly config: ExampleConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async whoami(
    user: Principal & { token: string },
    scope: string | undefined,
    requestId?: string,
  ): Promise<DownstreamAnswer> {
    const serviceFetch = createServiceFetch({
      tokens: this.tokens.onBehalfOf(user.token, this.config.downstreamAudience, scope),
      requestId: () => requestId,
    });
    const res = await serviceFetch(`${this.config.downstreamUrl ?? this.selfUrl()}/whoami`);
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  /** Our own listening address, never the request's Host header: a caller could aim the user's token elsewhere. */
  private selfUrl(): string {
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }
}
