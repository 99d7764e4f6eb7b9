import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every audit row and log line of a request carries. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

const storage = new AsyncLocalStorage<RequestMeta>();

const REQUEST_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** The incoming X-Request-ID when it is 1-100 of [A-Za-z0-9_-], else a fresh one. */
export function acceptRequestId(incoming: unknown): string {
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export const RequestContext = {
  run<T>(meta: RequestMeta, fn: () => T): T {
    return storage.run(meta, fn);
  },
  /** The current request's metadata; a system context outside of requests. */
  current(): RequestMeta {
    return storage.getStore() ?? { requestId: 'system', ip: null, userAgent: null };
  },
};
