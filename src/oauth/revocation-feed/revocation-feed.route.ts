import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough } from 'node:stream';
import { OAuthError } from '../../common/errors/oauth-error';
import { sendError } from '../../common/http/configure-http';
import { ROOT_LOGGER, RootLogger } from '../../common/logging/logging.module';
import { CallerAuthenticator } from '../../introspection/caller-auth.service';
import { DEFAULT_PAGE, RevocationFeedService } from './revocation-feed.service';

export const FEED_PATH = '/oauth/revocations';
export const FEED_STREAM_PATH = '/oauth/revocations/stream';
export const MAX_PAGE = 1_000;

/** The routes with what they require, for the deny-by-default walker (they have no Nest controller). */
export const FEED_ROUTES = [
  { method: 'GET', path: FEED_PATH, permissions: ['tokens:introspect'] },
  { method: 'GET', path: FEED_STREAM_PATH, permissions: ['tokens:introspect'] },
] as const;

const INT8_MAX = 9_223_372_036_854_775_807n;
/** A reader this far behind is cut off; it reconnects with its Last-Event-ID and loses nothing. */
const MAX_UNSENT_BYTES = 256 * 1024;
const DIGITS = /^\d{1,19}$/;

/** A cursor as the client sent it, or an invalid_request (never a SQL cast error). */
function cursorParam(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DIGITS.test(value) || BigInt(value) > INT8_MAX) {
    throw new OAuthError('invalid_request', `${name} is not a cursor`);
  }
  return BigInt(value).toString();
}

function limitParam(value: unknown): number {
  if (value === undefined) return DEFAULT_PAGE;
  const limit = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : 0;
  if (limit < 1 || limit > MAX_PAGE) throw new OAuthError('invalid_request', 'limit out of range');
  return limit;
}

/**
 * GET /oauth/revocations and /oauth/revocations/stream, bound straight on
 * Fastify like introspection (the stream is a long-lived response Nest's
 * pipeline has no use for). Thin: authenticate the caller as on
 * introspection (`tokens:introspect`), parse, hand over to the service.
 * Documented in OpenAPI by addRevocationFeedDocs; declared for the
 * deny-by-default walker by FEED_ROUTES.
 */
@Injectable()
export class RevocationFeedRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly callers: CallerAuthenticator,
    private readonly feed: RevocationFeedService,
    @Inject(ROOT_LOGGER) private readonly logger: RootLogger,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get(FEED_PATH, (request, reply) => this.guarded(request, reply, () => this.list(request, reply)));
    fastify.get(FEED_STREAM_PATH, (request, reply) => this.guarded(request, reply, () => this.stream(request, reply)));
  }

  private async guarded(
    request: FastifyRequest,
    reply: FastifyReply,
    work: () => Promise<FastifyReply>,
  ): Promise<FastifyReply> {
    try {
      const caller = await this.callers.authenticate(request.headers, {}, 'introspect');
      if (!caller.permissions.has('tokens:introspect')) {
        throw new OAuthError('insufficient_scope', 'caller lacks tokens:introspect');
      }
      return await work();
    } catch (err) {
      return sendError(request, reply, err, this.logger);
    }
  }

  private async list(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const query = request.query as Record<string, unknown>;
    const page = await this.feed.list(cursorParam(query.after, 'after'), limitParam(query.limit));
    return reply.header('cache-control', 'no-store').send(page);
  }

  private async stream(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    // An empty Last-Event-ID is what an EventSource holds before its first event: no resume point.
    const lastEventId = request.headers['last-event-id'];
    const after = cursorParam(lastEventId === '' ? undefined : lastEventId, 'Last-Event-ID');
    const body = new PassThrough();
    const write = (chunk: string): void => {
      if (body.writableLength + reply.raw.writableLength > MAX_UNSENT_BYTES) reply.raw.destroy();
      else body.write(chunk);
    };
    const unsubscribe = await this.feed.subscribe(after, { write, end: () => body.end() });
    // A long-lived response: idle-socket timeouts must not cut it (heartbeats keep proxies awake).
    request.raw.socket.setTimeout(0);
    // The response's close: the reader went away (or the stream ended); the request's fires too early.
    const close = (): void => {
      unsubscribe();
      body.destroy();
    };
    // The reader may have gone while its starting point was read.
    if (request.raw.socket.destroyed) close();
    else reply.raw.once('close', close);
    return reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .send(body);
  }
}
