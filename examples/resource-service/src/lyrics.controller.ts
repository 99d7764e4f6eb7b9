import { BadGatewayException, Body, Controller, ForbiddenException, Get, Headers, Post, Query } from '@nestjs/common';
import { Principal, TokenRequestError } from '@auth-service/auth-kit';
import { CurrentPrincipal, Public, RequirePermissions, RequireSignedRequest } from '@auth-service/auth-kit/nest';
import { DownstreamAnswer, OnBehalfService } from './on-behalf.service';

const LYRICS = [{ id: 1, title: 'Song of the issuer', text: 'Tokens come and tokens go...' }];

/** Thin routes: the guard decides who gets in, the service does the one outbound call. */
@Controller()
export class LyricsController {
  constructor(private readonly onBehalf: OnBehalfService) {}

  @Public()
  @Get('public/ping')
  ping(): { ok: true } {
    return { ok: true };
  }

  /** The same handler behind the guard (any valid credential): the benchmark compares the two. */
  @Get('ping')
  guardedPing(): { ok: true } {
    return { ok: true };
  }

  @RequirePermissions('lyrics:read')
  @Get('lyrics')
  lyrics(@CurrentPrincipal() principal: Principal): { items: typeof LYRICS; reader: string } {
    return { items: LYRICS, reader: principal.subject };
  }

  /**
   * A write that must be signed (RFC 9421) as well as authorised: the token says who may write,
   * the signature that this exact request (method, URL, body) came from that client, once.
   */
  @RequireSignedRequest()
  @RequirePermissions('lyrics:write')
  @Post('lyrics')
  addLyrics(@CurrentPrincipal() p: Principal, @Body() body: unknown): Record<string, unknown> {
    return { accepted: body, signer: p.signature?.clientId, keyid: p.signature?.keyid };
  }

  /** What this service sees of the caller: the downstream end of the on-behalf-of call. */
  @RequirePermissions('lyrics:read')
  @Get('whoami')
  whoami(@CurrentPrincipal() p: Principal): Record<string, unknown> {
    return {
      sub: p.subject,
      client_id: p.clientId,
      act: p.actor ?? null,
      permissions: p.permissions,
      exp: p.expiresAt,
      aud: p.claims.aud,
      kind: p.kind,
    };
  }

  @RequirePermissions('lyrics:read')
  @Get('on-behalf')
  async viaExchange(
    @CurrentPrincipal() principal: Principal,
    @Query('scope') scope: string | undefined,
    @Headers('x-request-id') requestId: string | undefined,
  ): Promise<DownstreamAnswer> {
    const token = principal.token;
    // Token exchange needs a subject token; an API key is not one.
    if (!token) throw new ForbiddenException('on-behalf calls need a user access token');
    try {
      return await this.onBehalf.whoami({ ...principal, token }, scope, requestId);
    } catch (err) {
      // The auth service refused the exchange (e.g. invalid_scope): say so without leaking tokens.
      if (err instanceof TokenRequestError) throw new BadGatewayException({ error: err.oauthError });
      throw err;
    }
  }
}
