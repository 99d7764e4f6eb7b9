import { OAuthError } from '../errors/oauth-error';
import type { PresentedClient } from './authenticators';

type Headers = Record<string, string | string[] | undefined>;

export interface PresentedCredentials {
  client?: PresentedClient;
  bearer?: string;
  apiKey?: string;
}

function decodeBasicPart(part: string): string {
  // RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding.
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError('invalid_client', 'malformed basic credentials');
  }
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? undefined : v;
}

/**
 * Reads every credential a request presents. More than one client
 * authentication method in one request is refused (RFC 6749 §2.3).
 */
export function readCredentials(headers: Headers, form: Record<string, string> | undefined): PresentedCredentials {
  const result: PresentedCredentials = {};
  const authorization = header(headers, 'authorization');
  if (authorization) {
    const [scheme, value] = authorization.split(' ', 2);
    if (scheme?.toLowerCase() === 'basic' && value) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 1)
        throw new OAuthError('invalid_client', 'malformed basic credentials', {
          headers: { 'www-authenticate': 'Basic realm="auth"' },
        });
      result.client = {
        clientId: decodeBasicPart(decoded.slice(0, colon)),
        secret: decodeBasicPart(decoded.slice(colon + 1)),
        method: 'client_secret_basic',
      };
    } else if (scheme?.toLowerCase() === 'bearer' && value) {
      result.bearer = value.trim();
    }
  }
  const apiKey = header(headers, 'x-api-key');
  if (apiKey) result.apiKey = apiKey;
  const formClientId = form?.client_id;
  if (formClientId !== undefined) {
    const secret = form?.client_secret;
    if (result.client) {
      if (secret !== undefined || result.client.clientId !== formClientId) {
        throw new OAuthError('invalid_request', 'more than one client authentication method');
      }
    } else {
      result.client = { clientId: formClientId, secret, method: secret === undefined ? 'none' : 'client_secret_post' };
    }
  } else if (form?.client_secret !== undefined && !result.client) {
    throw new OAuthError('invalid_request', 'client_secret without client_id');
  }
  return result;
}
