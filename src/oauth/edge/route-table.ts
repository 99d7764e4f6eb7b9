import type { CallerPolicy } from './edge.types';

/** A form field of a route (or of one grant of the token endpoint). */
export interface FormField {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  readonly enum?: readonly string[];
}

/** A way to call the token endpoint: one grant, its own fields. */
export interface GrantForm {
  readonly grantType: string;
  readonly summary: string;
  readonly fields: readonly FormField[];
}

export type ResponseBody = 'token' | 'introspection' | 'signature' | 'feed' | 'event_stream' | 'empty' | 'oauth_error';

export interface RouteResponse {
  readonly description: string;
  readonly body: ResponseBody;
  /** RFC 6749 error codes the status carries. */
  readonly errors?: readonly string[];
}

/**
 * One `/oauth/*` route: how it is reached (method, path), who may call it
 * (the authentication chain's policy), and its documentation. This table is
 * the only list of these routes: the edge binds it on both adapters, the
 * deny-by-default walker reads it, and the OpenAPI document is generated
 * from it (openapi.ts).
 */
export interface OAuthRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly auth: CallerPolicy;
  readonly operationId: string;
  readonly summary: string;
  /** Audit event of a failed caller authentication (once per IP, reason and minute), if audited. */
  readonly auditFailures?: string;
  readonly fields: readonly FormField[];
  /** The token endpoint: one schema per grant. */
  readonly grants?: readonly GrantForm[];
  readonly responses: Readonly<Record<string, RouteResponse>>;
}

const CLIENT_FIELDS: readonly FormField[] = [
  {
    name: 'client_id',
    description: 'The client (client_secret_post, or a public client alone). Omit with HTTP Basic.',
  },
  { name: 'client_secret', description: 'client_secret_post; prefer HTTP Basic (client_secret_basic).' },
];
const TOKEN_HINT: FormField = {
  name: 'token_type_hint',
  description: 'A hint only: the token itself decides how it is checked.',
  enum: ['access_token', 'refresh_token', 'api_key'],
};
const SCOPE: FormField = {
  name: 'scope',
  description: 'Space-separated permissions, narrowing what the principal holds.',
};
const COMMON_ERRORS: Readonly<Record<string, RouteResponse>> = {
  '413': { description: 'The body is over BODY_LIMIT_BYTES.', body: 'oauth_error', errors: ['invalid_request'] },
  '415': {
    description: 'The body is not application/x-www-form-urlencoded.',
    body: 'oauth_error',
    errors: ['invalid_request'],
  },
  '429': { description: 'Rate limited; see Retry-After.', body: 'oauth_error', errors: ['rate_limited'] },
  '503': {
    description: 'Cannot answer reliably now (database or revocation feed); see Retry-After.',
    body: 'oauth_error',
    errors: ['temporarily_unavailable'],
  },
};

/** 401 and 403 of a route whose caller authenticates as on introspection and needs `permission`. */
function callerErrors(permission: string): Readonly<Record<string, RouteResponse>> {
  return {
    '401': { description: 'No or bad caller credentials.', body: 'oauth_error', errors: ['invalid_client'] },
    '403': { description: `The caller lacks ${permission}.`, body: 'oauth_error', errors: ['insufficient_scope'] },
    ...COMMON_ERRORS,
  };
}

export const TOKEN_PATH = '/oauth/token';
export const INTROSPECT_PATH = '/oauth/introspect';
export const REVOKE_PATH = '/oauth/revoke';
export const SIGNATURE_VERIFY_PATH = '/oauth/signatures/verify';
export const FEED_PATH = '/oauth/revocations';
export const FEED_STREAM_PATH = '/oauth/revocations/stream';

export const OAUTH_ROUTES: readonly OAuthRoute[] = [
  {
    method: 'POST',
    path: TOKEN_PATH,
    auth: 'client',
    operationId: 'token',
    summary: 'RFC 6749 token endpoint: the client authenticates once, its grant decides the rest',
    fields: CLIENT_FIELDS,
    grants: [
      {
        grantType: 'password',
        summary: 'Resource owner password credentials (a user logs in)',
        fields: [
          { name: 'username', description: 'The user name.', required: true },
          { name: 'password', description: 'The password.', required: true },
          { name: 'otp', description: 'The current TOTP code, when the user has MFA enabled.' },
          SCOPE,
        ],
      },
      {
        grantType: 'refresh_token',
        summary: 'Rotate a refresh token (RFC 6749 §6): a new access and refresh token; reuse revokes the family',
        fields: [
          { name: 'refresh_token', description: 'The refresh token last issued to this client.', required: true },
          SCOPE,
        ],
      },
      {
        grantType: 'client_credentials',
        summary: 'A confidential client acts as itself, with the permissions of its roles',
        fields: [SCOPE],
      },
      {
        grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
        summary: "RFC 8693: a service calls another on a user's behalf (audience allow-listed per client)",
        fields: [
          { name: 'subject_token', description: 'An active access token of this service.', required: true },
          {
            name: 'subject_token_type',
            description: "The subject token's type.",
            required: true,
            enum: ['urn:ietf:params:oauth:token-type:access_token'],
          },
          {
            name: 'audience',
            description: "The target service's client_id (in token_exchange_audiences).",
            required: true,
          },
          { name: 'scope', description: "Narrower than the subject token's scope; default: the same." },
        ],
      },
    ],
    responses: {
      '200': {
        description: 'Issued: access_token, token_type, expires_in, scope, refresh_token (user grants).',
        body: 'token',
      },
      '400': {
        description: 'Missing or bad parameter, bad grant, grant not allowed for the client, bad scope.',
        body: 'oauth_error',
        errors: [
          'invalid_request',
          'invalid_grant',
          'unauthorized_client',
          'unsupported_grant_type',
          'invalid_scope',
          'invalid_target',
        ],
      },
      '401': { description: 'Client authentication failed.', body: 'oauth_error', errors: ['invalid_client'] },
      '403': {
        description: 'The account requires a one-time password (send otp).',
        body: 'oauth_error',
        errors: ['mfa_required'],
      },
      ...COMMON_ERRORS,
    },
  },
  {
    method: 'POST',
    path: INTROSPECT_PATH,
    auth: 'caller',
    operationId: 'introspect',
    summary: 'RFC 7662 token introspection; the caller holds tokens:introspect',
    auditFailures: 'introspection.unauthorized',
    fields: [
      { name: 'token', description: 'The token to check: access token, refresh token or API key.', required: true },
      TOKEN_HINT,
      ...CLIENT_FIELDS,
    ],
    responses: {
      '200': { description: '`{"active": false}`, or the active token\'s claims.', body: 'introspection' },
      '400': { description: 'token missing, or a malformed form.', body: 'oauth_error', errors: ['invalid_request'] },
      '401': {
        description: 'No or bad caller credentials. A public client_id is no authentication.',
        body: 'oauth_error',
        errors: ['invalid_client'],
      },
      '403': {
        description: 'The caller lacks tokens:introspect.',
        body: 'oauth_error',
        errors: ['insufficient_scope'],
      },
      ...COMMON_ERRORS,
    },
  },
  {
    method: 'POST',
    path: REVOKE_PATH,
    auth: 'caller_or_public_client',
    operationId: 'revoke',
    summary: 'RFC 7009 revocation: a client revokes its own tokens, a caller with tokens:revoke any token',
    fields: [
      { name: 'token', description: 'The access or refresh token to revoke.', required: true },
      TOKEN_HINT,
      ...CLIENT_FIELDS,
    ],
    responses: {
      '200': { description: "Empty, whether or not the token was valid, known or another client's.", body: 'empty' },
      '400': { description: 'token missing, or a malformed form.', body: 'oauth_error', errors: ['invalid_request'] },
      '401': { description: 'No or bad caller credentials.', body: 'oauth_error', errors: ['invalid_client'] },
      '403': {
        description: 'A bearer or API-key caller without tokens:revoke.',
        body: 'oauth_error',
        errors: ['insufficient_scope'],
      },
      ...COMMON_ERRORS,
    },
  },
  {
    method: 'POST',
    path: SIGNATURE_VERIFY_PATH,
    auth: 'caller',
    operationId: 'verifySignature',
    summary: 'RFC 9421 request signature (hmac-sha256 profile), checked for the receiving service',
    fields: [
      { name: 'signature_input', description: 'The Signature-Input field of the signed request.', required: true },
      { name: 'signature', description: 'The Signature field of the signed request.', required: true },
      {
        name: 'signature_base',
        description: 'RFC 9421 §2.5 signature base, built by the receiving service from the request it got.',
        required: true,
      },
      ...CLIENT_FIELDS,
    ],
    responses: {
      '200': {
        description: 'Exactly `{"valid": false}`, or the signing client and the signature\'s times.',
        body: 'signature',
      },
      '400': { description: 'A malformed form.', body: 'oauth_error', errors: ['invalid_request'] },
      ...callerErrors('signatures:verify'),
    },
  },
  {
    method: 'GET',
    path: FEED_PATH,
    auth: 'caller',
    operationId: 'revocationFeed',
    summary: 'Revocation feed: entries oldest first; without `after`, every entry still in force',
    fields: [
      { name: 'after', description: 'A cursor (`next_cursor` of the last page, or an event id of the stream).' },
      { name: 'limit', description: 'Entries per page, 1 to 1000 (default 500).' },
    ],
    responses: {
      '200': { description: '`{"items": [...], "next_cursor"}`; next_cursor is never null.', body: 'feed' },
      '400': { description: 'A malformed cursor or limit.', body: 'oauth_error', errors: ['invalid_request'] },
      ...callerErrors('tokens:introspect'),
    },
  },
  {
    method: 'GET',
    path: FEED_STREAM_PATH,
    auth: 'caller',
    operationId: 'revocationStream',
    summary: 'Revocation feed as server-sent events; resumes after Last-Event-ID; a comment at least every 15 s',
    fields: [],
    responses: {
      '200': { description: 'text/event-stream: `id:` the cursor, `data:` the entry JSON.', body: 'event_stream' },
      '400': { description: 'A malformed Last-Event-ID.', body: 'oauth_error', errors: ['invalid_request'] },
      ...callerErrors('tokens:introspect'),
    },
  },
];
