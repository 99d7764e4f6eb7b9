import { randomBytes } from 'node:crypto';

/**
 * The service's own OpenAPI document (`GET /docs-json`) turned into a list
 * of operations, so the attack suites and the fuzzer cover routes added
 * after they were written.
 */
export interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
}

interface RawParameter {
  name: string;
  in: string;
  schema?: Schema;
}

interface RawOperation {
  parameters?: RawParameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  method: string;
  /** Path template, e.g. `/v1/users/{id}`. */
  path: string;
  pathParams: string[];
  queryParams: { name: string; schema: Schema }[];
  /** Resolved JSON body schema, if the operation takes JSON. */
  jsonBody?: Schema;
  /** Resolved form body schema, if the operation takes a form. */
  formBody?: Schema;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

export async function fetchOpenApi(baseUrl: string): Promise<OpenApiDocument> {
  const res = await fetch(`${baseUrl}/docs-json`);
  if (res.status !== 200) throw new Error(`GET /docs-json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

/** Follows `$ref`s into components (one level at a time, recursively for properties and items). */
export function resolve(doc: OpenApiDocument, schema: Schema | undefined, depth = 0): Schema | undefined {
  if (!schema || depth > 8) return schema;
  let s = schema;
  if (s.$ref) {
    const name = s.$ref.split('/').pop() ?? '';
    s = doc.components?.schemas?.[name] ?? {};
  }
  const out: Schema = { ...s };
  if (s.properties)
    out.properties = Object.fromEntries(
      Object.entries(s.properties).map(([k, v]) => [k, resolve(doc, v, depth + 1) ?? {}]),
    );
  if (s.items) out.items = resolve(doc, s.items, depth + 1);
  return out;
}

export function operations(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        jsonBody: resolve(doc, content['application/json']?.schema),
        formBody: resolve(doc, content['application/x-www-form-urlencoded']?.schema),
      });
    }
  }
  return ops;
}

/** The string-typed fields of a body schema (strings, and arrays of strings). */
export function stringFields(schema: Schema | undefined): { name: string; array: boolean }[] {
  return Object.entries(schema?.properties ?? {})
    .filter(([, s]) => s.type === 'string' || (s.type === 'array' && s.items?.type === 'string'))
    .map(([name, s]) => ({ name, array: s.type === 'array' }));
}

const lowerId = (prefix: string): string => `${prefix}${randomBytes(5).toString('hex')}`;

/** A plausible value for one property: its example or default, else something of its type. */
export function sampleValue(name: string, s: Schema): unknown {
  // Names must be fresh (creates would collide) and follow the strictest pattern in use (roles).
  if (name === 'name' || name === 'username') return lowerId('sec-');
  if (name.includes('password')) return `Sec-${randomBytes(9).toString('base64url')}`;
  if (name === 'permissions') return [];
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.enum && s.enum.length > 0) return s.enum[0];
  switch (s.type) {
    case 'number':
    case 'integer':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return lowerId('x');
  }
}

/** A body with every required property set to a plausible value. */
export function baselineBody(schema: Schema | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of schema?.required ?? []) body[name] = sampleValue(name, schema?.properties?.[name] ?? {});
  return body;
}

/** Fills `{param}` placeholders with already-encoded values. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? 'x');
}
