import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { renderError } from '../../common/http/error-renderer';
import type { ResponsePolicy } from '../../common/http/response-policy';
import type { ActionResult, EdgeRequest, StreamSink } from './edge.types';

const JSON_UTF8 = 'application/json; charset=utf-8';
type Head = string[];

/** A flat [name, value, ...] list: node:http writes it markedly faster than an object (bench/README.md). */
const flatten = (headers: Readonly<Record<string, string>>): Head => Object.entries(headers).flat();

/**
 * The one place an edge response is written: the response policy's headers
 * (security, caching, CORS), the action's result or the error renderer's
 * answer, X-Request-ID and Content-Length. Returns the status sent.
 */
export class EdgeResponder {
  /** Head of a 200 JSON answer per path, built once: the common case on the hot path. */
  private readonly okHeads = new Map<string, Head>();

  constructor(
    private readonly policy: ResponsePolicy,
    private readonly logger: Logger,
  ) {}

  send(res: ServerResponse, request: EdgeRequest, result: ActionResult | undefined, error: unknown): number {
    if (result === undefined) return this.sendError(res, request, error);
    if (result.kind === 'stream') return this.sendStream(res, request, result);
    const status = result.status ?? 200;
    const payload = result.kind === 'json' ? JSON.stringify(result.body) : '';
    const head =
      result.kind === 'json' && status === 200
        ? [...this.okHead(request.url)]
        : this.base(request, result.kind === 'json' ? JSON_UTF8 : undefined);
    this.addCors(head, request);
    return this.write(res, status, head, request.id, payload);
  }

  private sendError(res: ServerResponse, request: EdgeRequest, error: unknown): number {
    const rendered = renderError(request.url, request.id, error);
    if (rendered.unexpected)
      this.logger.error({ err: error, requestId: request.id, route: request.url }, 'unhandled error');
    const head = this.base(request, rendered.contentType);
    head.push(...flatten(rendered.headers));
    this.addCors(head, request);
    return this.write(res, rendered.status, head, request.id, JSON.stringify(rendered.body));
  }

  private sendStream(
    res: ServerResponse,
    request: EdgeRequest,
    result: Extract<ActionResult, { kind: 'stream' }>,
  ): number {
    const head = [...this.base(request, result.contentType), ...flatten(result.headers ?? {})];
    this.addCors(head, request);
    head.push('x-request-id', request.id);
    if (res.destroyed) return 499;
    res.writeHead(200, head);
    const sink: StreamSink = {
      write: (chunk) => res.write(chunk),
      end: () => res.end(),
      get buffered() {
        return res.writableLength;
      },
      onClose: (listener) => res.once('close', listener),
      get closed() {
        return res.destroyed || res.writableEnded;
      },
    };
    void Promise.resolve()
      .then(() => result.write(sink))
      .catch((err: unknown) => {
        this.logger.error({ err, requestId: request.id, route: request.url }, 'stream failed');
        res.destroy();
      });
    return 200;
  }

  private write(res: ServerResponse, status: number, head: Head, id: string, payload: string): number {
    head.push('x-request-id', id, 'content-length', String(Buffer.byteLength(payload)));
    // The client may have gone while the answer was worked out.
    if (res.destroyed) return status;
    res.writeHead(status, head);
    res.end(payload);
    return status;
  }

  private base(request: EdgeRequest, contentType: string | undefined): Head {
    const head = flatten(this.policy.forPath(request.url));
    if (contentType !== undefined) head.push('content-type', contentType);
    return head;
  }

  private okHead(path: string): Head {
    let head = this.okHeads.get(path);
    if (head === undefined) {
      head = [...flatten(this.policy.forPath(path)), 'content-type', JSON_UTF8];
      this.okHeads.set(path, head);
    }
    return head;
  }

  private addCors(head: Head, request: EdgeRequest): void {
    if (!this.policy.cors.enabled) return;
    const origin = request.headers.origin;
    head.push(...flatten(this.policy.cors.actualHeaders(typeof origin === 'string' ? origin : undefined)));
  }
}
