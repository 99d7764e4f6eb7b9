import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

interface OpenApiDocument {
  paths: Record<string, Record<string, { tags?: string[] }>>;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

describe('GET / and the OpenAPI tags', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('answers GET / without credentials with links to the docs, and the links work', async () => {
    const index = await request<Record<string, string>>('GET', `${app.url}/`);
    assert.equal(index.status, 200);
    assert.deepEqual(index.body, {
      docs: '/docs',
      openapi: '/docs-json',
      discovery: '/.well-known/oauth-authorization-server',
    });
    assert.equal((await request('GET', `${app.url}${index.body.docs}`)).status, 200);
    const openapi = await request<OpenApiDocument>('GET', `${app.url}${index.body.openapi}`);
    assert.equal(openapi.status, 200);
    assert.ok(openapi.body.paths['/v1/users']);
    assert.equal((await request('GET', `${app.url}${index.body.discovery}`)).status, 200);
  });

  it('tags every /v1 operation with exactly one tag: its resource, as spelt in the path', async () => {
    const { body } = await request<OpenApiDocument>('GET', `${app.url}/docs-json`);
    const wrong: string[] = [];
    let checked = 0;
    for (const [path, operations] of Object.entries(body.paths)) {
      if (!path.startsWith('/v1/')) continue;
      const resource = path.split('/')[2];
      for (const [method, operation] of Object.entries(operations)) {
        if (!HTTP_METHODS.has(method)) continue;
        checked++;
        if (JSON.stringify(operation.tags) !== JSON.stringify([resource])) {
          wrong.push(`${method.toUpperCase()} ${path}: ${JSON.stringify(operation.tags)}`);
        }
      }
    }
    assert.ok(checked >= 20, `only ${checked} /v1 operations found`);
    assert.deepEqual(wrong, []);
  });
});
