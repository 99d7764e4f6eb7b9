import type { OpenAPIObject } from '@nestjs/swagger';
import type { FormField, GrantForm, OAuthRoute, ResponseBody } from './route-table';

type Schema = Record<string, unknown>;
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

const OAUTH_ERROR: Schema = {
  type: 'object',
  description: 'RFC 6749 §5.2 error; the description is fixed per code and never carries the internal reason.',
  required: ['error', 'error_description'],
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
};
const BODIES: Record<Exclude<ResponseBody, 'empty'>, Schema> = {
  token: {
    type: 'object',
    required: ['access_token', 'token_type', 'expires_in', 'scope'],
    properties: {
      access_token: { type: 'string', description: 'RFC 9068 JWT access token.' },
      token_type: { type: 'string', enum: ['Bearer'] },
      expires_in: { type: 'integer' },
      refresh_token: { type: 'string', description: 'Password and refresh_token grants only.' },
      scope: { type: 'string' },
    },
  },
  introspection: {
    type: 'object',
    required: ['active'],
    description: 'Inactive: exactly `{"active": false}`. Active: the token type\'s claims (RFC 7662 §2.2).',
    properties: {
      active: { type: 'boolean' },
      token_type: { type: 'string', enum: ['Bearer', 'refresh_token', 'api_key'] },
      sub: { type: 'string' },
      username: { type: 'string' },
      client_id: { type: 'string' },
      scope: { type: 'string' },
      roles: { type: 'array', items: { type: 'string' } },
      owner_type: { type: 'string' },
      owner_id: { type: 'string' },
      exp: { type: 'integer' },
      iat: { type: 'integer' },
      nbf: { type: 'integer' },
      iss: { type: 'string' },
      aud: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      jti: { type: 'string' },
      amr: { type: 'array', items: { type: 'string' } },
    },
  },
  signature: {
    type: 'object',
    required: ['valid'],
    description: 'Refused, for whatever reason: exactly `{"valid": false}`.',
    properties: {
      valid: { type: 'boolean' },
      client_id: { type: 'string', description: 'The client that signed.' },
      keyid: { type: 'string' },
      scope: { type: 'string', description: "The signing client's effective permissions now." },
      created: { type: 'integer' },
      expires: { type: 'integer' },
    },
  },
  feed: {
    type: 'object',
    required: ['items', 'next_cursor'],
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kind', 'value', 'revoked_at', 'until'],
          properties: {
            kind: { type: 'string', enum: ['jti', 'sid', 'sub', 'api_key', 'kid'] },
            value: { type: 'string' },
            revoked_at: { type: 'integer' },
            until: { type: 'integer', nullable: true },
          },
        },
      },
      next_cursor: { type: 'string' },
    },
  },
  event_stream: { type: 'string', description: 'Server-sent events (text/event-stream).' },
  oauth_error: OAUTH_ERROR,
};

function formSchema(fields: readonly FormField[], extra: Schema = {}): Schema {
  const properties: Record<string, Schema> = {};
  for (const f of fields)
    properties[f.name] = { type: 'string', description: f.description, ...(f.enum ? { enum: [...f.enum] } : {}) };
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return { type: 'object', ...extra, properties, ...(required.length > 0 ? { required } : {}) };
}

function grantSchema(grant: GrantForm, common: readonly FormField[]): Schema {
  const grantType: FormField = {
    name: 'grant_type',
    description: grant.summary,
    required: true,
    enum: [grant.grantType],
  };
  return formSchema([grantType, ...grant.fields, ...common], { title: grant.grantType });
}

function requestSchema(route: OAuthRoute): Schema {
  if (route.grants === undefined) return formSchema(route.fields);
  return {
    oneOf: route.grants.map((g) => grantSchema(g, route.fields)),
    discriminator: { propertyName: 'grant_type' },
  };
}

function security(route: OAuthRoute): Record<string, string[]>[] {
  if (route.auth === 'none') return [];
  // `{}`: no HTTP-level credential (client_secret_post or a public client's client_id in the form).
  const none: Record<string, string[]> = {};
  if (route.auth === 'client') return [{ client_basic: [] }, none];
  return [{ client_basic: [] }, { bearer: [] }, { api_key: [] }, none];
}

const HEADERS = {
  'Cache-Control': { schema: { type: 'string', enum: ['no-store'] } },
  Pragma: { schema: { type: 'string', enum: ['no-cache'] } },
  'X-Request-ID': { schema: { type: 'string' } },
};

/** The OpenAPI path item of one table entry: no hand-written document for these routes. */
export function pathItem(route: OAuthRoute): Schema {
  const responses: Record<string, Schema> = {};
  for (const [status, r] of Object.entries(route.responses)) {
    const codes = r.errors ? ` Codes: ${r.errors.map((e) => `\`${e}\``).join(', ')}.` : '';
    const type = r.body === 'event_stream' ? 'text/event-stream' : JSON_TYPE;
    const body = r.body === 'empty' ? {} : { content: { [type]: { schema: BODIES[r.body] } } };
    responses[status] = { description: r.description + codes, headers: HEADERS, ...body };
  }
  const operation: Schema = {
    tags: ['OAuth'],
    operationId: route.operationId,
    summary: route.summary,
    security: security(route),
    responses,
  };
  if (route.method === 'POST')
    operation.requestBody = { required: true, content: { [FORM]: { schema: requestSchema(route) } } };
  else if (route.fields.length > 0)
    operation.parameters = route.fields.map((f) => ({
      name: f.name,
      in: 'query',
      required: f.required ?? false,
      description: f.description,
      schema: { type: 'string' },
    }));
  return { [route.method.toLowerCase()]: operation };
}

/** Adds every route of the table to the document. */
export function addOAuthRoutes(document: OpenAPIObject, routes: readonly OAuthRoute[]): void {
  for (const route of routes) document.paths[route.path] = { ...document.paths[route.path], ...pathItem(route) };
}
