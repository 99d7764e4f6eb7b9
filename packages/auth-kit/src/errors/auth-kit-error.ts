/**
 * Base of every error the kit throws. `status` is the HTTP status a resource
 * service should answer with; `code` is stable and safe to log or match on.
 * Messages never contain a token, secret or key.
 */
export abstract class AuthKitError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
