import type { OpenAPIObject } from '@nestjs/swagger';
import { FEED_PATH, FEED_STREAM_PATH, MAX_PAGE } from './revocation-feed.route';

const SECURITY: Record<string, string[]>[] = [{ client_basic: [] }, { bearer: [] }, { api_key: [] }];
const ERRORS = {
  '400': { description: 'invalid_request (a malformed cursor or limit)' },
  '401': { description: 'invalid_client' },
  '403': { description: 'insufficient_scope: the caller lacks tokens:introspect' },
  '503': { description: 'temporarily_unavailable: the database is unreachable' },
};
const ENTRY = {
  type: 'object',
  required: ['kind', 'value', 'revoked_at', 'until'],
  properties: {
    kind: { type: 'string', enum: ['jti', 'sid', 'sub', 'api_key', 'kid'] },
    value: { type: 'string' },
    revoked_at: { type: 'integer', description: 'NumericDate seconds' },
    until: {
      type: 'integer',
      nullable: true,
      description: 'NumericDate seconds after which the entry no longer matters',
    },
  },
};

/** OpenAPI entries for the natively bound revocation feed routes (Swagger only sees Nest controllers). */
export function addRevocationFeedDocs(document: OpenAPIObject): void {
  document.paths[FEED_PATH] = {
    get: {
      tags: ['OAuth'],
      operationId: 'listRevocations',
      summary: 'Revocation feed, in pages, oldest first; without `after` every entry still in force',
      security: SECURITY,
      parameters: [
        { name: 'after', in: 'query', required: false, schema: { type: 'string', pattern: '^[0-9]{1,19}$' } },
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 500 },
        },
      ],
      responses: {
        '200': {
          description: '`next_cursor` is never null: poll again with it as `after`',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['items', 'next_cursor'],
                properties: { items: { type: 'array', items: ENTRY }, next_cursor: { type: 'string' } },
              },
            },
          },
        },
        ...ERRORS,
      },
    },
  };
  document.paths[FEED_STREAM_PATH] = {
    get: {
      tags: ['OAuth'],
      operationId: 'streamRevocations',
      summary: 'Revocation feed as server-sent events (`id:` the cursor, `data:` the entry JSON); resumable',
      security: SECURITY,
      parameters: [
        {
          name: 'Last-Event-ID',
          in: 'header',
          required: false,
          description:
            'Resume: every entry after this cursor, then new ones. Without it only entries newer than the connection',
          schema: { type: 'string', pattern: '^[0-9]{1,19}$' },
        },
      ],
      responses: {
        '200': {
          description: 'An endless event stream with a comment line at least every 15 s',
          content: { 'text/event-stream': {} },
        },
        ...ERRORS,
      },
    },
  };
}
