/** Small fetch helpers for setup work (minting tokens, logins), never for measured load. */
export interface FormResult {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<FormResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return parse(res);
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<FormResult> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return parse(res);
}

async function parse(res: Response): Promise<FormResult> {
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: res.status, text, json };
}

/** client_secret_basic (RFC 6749 §2.3.1: form-encode, then Base64). */
export function basicAuth(clientId: string, secret: string): Record<string, string> {
  const enc = (s: string): string => encodeURIComponent(s);
  return { authorization: `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}` };
}

/** Maps with at most `limit` calls in flight. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Throws with the response text when the status is not the expected one. */
export function expectStatus(what: string, res: FormResult, status = 200): FormResult {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 300)}`);
  return res;
}
