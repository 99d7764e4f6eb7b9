import type { OpenAPIObject } from '@nestjs/swagger';
import { INTROSPECTION_PATH } from './introspection.route';

/** OpenAPI entry for the natively bound introspection route (Swagger only sees Nest controllers). */
export function addIntrospectionDocs(document: OpenAPIObject): void {
  document.paths[INTROSPECTION_PATH] = {
    post: {
      tags: ['OAuth'],
      operationId: 'introspect',
      summary: 'RFC 7662 token introspection; the caller needs tokens:introspect',
      security: [{ client_basic: [] }, { bearer: [] }, { api_key: [] }],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              required: ['token'],
              properties: {
                token: { type: 'string' },
                token_type_hint: { type: 'string', enum: ['access_token', 'refresh_token', 'api_key'] },
                client_id: { type: 'string' },
                client_secret: { type: 'string' },
              },
            },
          },
        },
      },
      responses: {
        '200': { description: '`{"active": false}` or the active token\'s claims' },
        '400': { description: 'invalid_request (token missing)' },
        '401': { description: 'invalid_client' },
        '403': { description: 'insufficient_scope' },
        '503': { description: 'temporarily_unavailable: revocation feed stale (fail closed)' },
      },
    },
  };
}
