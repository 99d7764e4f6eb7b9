import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../errors/problem-error';
import { renderError } from './error-renderer';
import { acceptRequestId } from './request-context';

/**
 * Errors Fastify answers on its own, before any hook runs, by default with
 * its own body (`FST_ERR_...` codes, the path echoed back) and without an
 * X-Request-ID. Rendered here in the contract's shape instead.
 */

/**
 * Router-level errors: a path parameter over Fastify's maxParamLength (an
 * over-long id names no object, exactly like a malformed one: 404) and a
 * URL whose percent-encoding does not decode (400).
 */
export function renderFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? ProblemError.notFound()
      : new ProblemError(
          error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 400,
          'bad_request',
          'The request URL is malformed.',
        );
  const rendered = renderError(request.url, request.id, problem);
  void reply
    .code(rendered.status)
    .headers({ 'x-request-id': request.id, ...rendered.headers })
    .type(rendered.contentType)
    .send(rendered.body);
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * The method and path of the request line, when the parser read that far
 * (`rawPacket`): an /oauth/* request gets the RFC 6749 shape even when its
 * headers are refused, and a HEAD request gets no body (RFC 9110 9.3.2: a
 * client reads none, and would take the bytes for the next response).
 */
function requestLineOf(err: Error & { rawPacket?: Buffer }): { method: string; path: string } {
  const line = err.rawPacket?.subarray(0, 4096).toString('latin1').split('\r\n', 1)[0] ?? '';
  const [method = '', target = ''] = line.split(' ');
  return { method, path: target.startsWith('/') ? target : '/' };
}

/**
 * HTTP that does not parse (oversized headers, broken framing): there is no
 * request, so no route and no hook. Answers a problem with a fresh request
 * id and closes the connection, as Fastify's default does.
 */
export function handleClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request'];
  const id = acceptRequestId(undefined);
  const detail =
    status === 431
      ? 'The request headers are too large.'
      : status === 408
        ? 'The request took too long to arrive.'
        : 'The request is not valid HTTP.';
  const problem = new ProblemError(status, reason.toLowerCase().replace(/\s+/g, '_'), detail);
  const line = requestLineOf(err);
  const rendered = renderError(line.path, id, problem);
  const body = JSON.stringify(rendered.body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        `Content-Type: ${rendered.contentType}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-ID: ${id}\r\n` +
        `Connection: close\r\n\r\n${line.method === 'HEAD' ? '' : body}`,
    );
  }
  socket.destroy(err);
}
