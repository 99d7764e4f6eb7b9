/** Minimal HTTP helpers over fetch, returning parsed JSON and the raw response. */
export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

async function finish<T>(res: Response): Promise<HttpResult<T>> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

export async function postForm<T = Record<string, unknown>>(
  url: string,
  params: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return finish<T>(res);
}

export async function request<T = Record<string, unknown>>(
  method: string,
  url: string,
  options: { json?: unknown; body?: string; headers?: Record<string, string>; token?: string; apiKey?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  return finish<T>(await fetch(url, { method, headers, body }));
}

export function basic(clientId: string, secret: string): Record<string, string> {
  const enc = (s: string): string => encodeURIComponent(s);
  return { authorization: `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}` };
}
