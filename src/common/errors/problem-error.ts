export interface FieldError {
  field: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Problem type URIs end in a stable slug (for example `...:mfa_required`). */
export const PROBLEM_TYPE_PREFIX = 'urn:auth-service:problem:';

export function problemTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

/** An RFC 9457 problem for the /v1 API. The detail is public; keep it free of internals. */
export class ProblemError extends Error {
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly slug: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.headers = headers;
  }

  get type(): string {
    return PROBLEM_TYPE_PREFIX + this.slug;
  }

  static badRequest(detail: string, errors?: FieldError[]): ProblemError {
    return new ProblemError(400, errors ? 'validation_failed' : 'bad_request', detail, errors);
  }
  static validation(errors: FieldError[]): ProblemError {
    return new ProblemError(400, 'validation_failed', 'The request body or query is invalid.', errors);
  }
  static unauthorized(detail = 'Missing or invalid credentials.'): ProblemError {
    return new ProblemError(401, 'unauthorized', detail, undefined, { 'www-authenticate': 'Bearer' });
  }
  static forbidden(detail = 'You do not have the permission this action requires.'): ProblemError {
    return new ProblemError(403, 'forbidden', detail);
  }
  static mfaRequired(): ProblemError {
    return new ProblemError(403, 'mfa_required', 'This action requires a token obtained with a one-time password.');
  }
  static notFound(detail = 'The resource does not exist.'): ProblemError {
    return new ProblemError(404, 'not_found', detail);
  }
  static conflict(detail: string): ProblemError {
    return new ProblemError(409, 'conflict', detail);
  }
}
