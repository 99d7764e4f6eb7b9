import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Post, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import {
  ANY_USER,
  IS_PUBLIC,
  Public,
  REQUIRED_PERMISSIONS,
  RequirePermissions,
  RequireUser,
} from '../../src/common/auth/decorators';
import { request } from '../support/http';

const FORM = 'application/x-www-form-urlencoded';
import { startTestApp, TestApp } from '../support/test-app';
import { assertProblem } from '../factories/admin';

interface Route {
  method: string;
  path: string;
  handler: string;
  isPublic: boolean;
  permissions?: string[];
  anyUser: boolean;
  /** Routes of the protocol edge: the authentication chain's policy from the route table. */
  protocolAuth?: string;
}

type Handler = (...args: unknown[]) => unknown;

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
}

function joinPath(...parts: string[]): string {
  return `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
}

function asList(value: unknown): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

type ControllerClass = new (...args: never[]) => object;

/**
 * The routes of one controller, with what each declares (method metadata wins over class metadata, as in the
 * guard).
 */
function routesOf(controller: ControllerClass): Route[] {
  const prototype = controller.prototype as Record<string, Handler>;
  const routes: Route[] = [];
  for (const name of new MetadataScanner().getAllMethodNames(prototype)) {
    const handler = prototype[name];
    const paths = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
    if (paths === undefined) continue;
    const meta = <T>(key: string): T | undefined =>
      (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as T | undefined;
    const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
    for (const prefix of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
      for (const path of asList(paths)) {
        routes.push({
          method,
          path: joinPath(prefix, path),
          handler: `${controller.name}.${name}`,
          isPublic: meta<boolean>(IS_PUBLIC) === true,
          permissions: meta<string[]>(REQUIRED_PERMISSIONS),
          anyUser: meta<object>(ANY_USER) !== undefined,
        });
      }
    }
  }
  return routes;
}

/** Every route of every controller registered in the running application, and every route of the protocol edge. */
function walkRoutes(app: TestApp): Route[] {
  const routes: Route[] = app.started.edge.routes.map(({ route }) => ({
    method: route.method,
    path: route.path,
    handler: `edge:${route.operationId}`,
    isPublic: false,
    anyUser: false,
    protocolAuth: route.auth,
  }));
  for (const module of app.started.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) routes.push(...routesOf(wrapper.metatype as ControllerClass));
    }
  }
  return routes;
}

const undeclared = (routes: Route[]): Route[] =>
  routes.filter(
    (r) => !r.isPublic && !r.anyUser && !(r.permissions && r.permissions.length > 0) && r.protocolAuth === undefined,
  );

/** Fixtures for the walker's self-check: never registered in the application. */
@Controller('fixture')
class FixtureController {
  @Get('forgotten')
  forgotten(): void {}

  @Public()
  @Get('open')
  open(): void {}

  @RequirePermissions('users:read')
  @Post('guarded')
  guarded(): void {}
}

@RequireUser()
@Controller('fixture-class')
class ClassLevelController {
  @Get()
  covered(): void {}
}

describe('deny by default: every route declares its authentication', () => {
  let app: TestApp;
  let routes: Route[];
  before(async () => {
    app = await startTestApp();
    routes = walkRoutes(app);
  });
  after(() => app.close());

  it('finds the routes of every feature', () => {
    const seen = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const expected of [
      'POST /oauth/token',
      'POST /oauth/introspect',
      'POST /oauth/revoke',
      'GET /.well-known/jwks.json',
      'GET /v1/roles',
      'DELETE /v1/roles/:name',
      'POST /v1/permissions',
      'POST /v1/clients/:client_id/secret',
      'GET /v1/signing-keys',
      'POST /v1/signing-keys/rotate',
      'GET /v1/audit-events',
      'GET /oauth/revocations',
      'GET /oauth/revocations/stream',
    ]) {
      assert.ok(seen.has(expected), `${expected} not found among ${[...seen].join(', ')}`);
    }
  });

  it('detects an undeclared route (self-check of the walker)', () => {
    const fixture = routesOf(FixtureController);
    assert.deepEqual(fixture.map((r) => `${r.method} ${r.path}`).sort(), [
      'GET /fixture/forgotten',
      'GET /fixture/open',
      'POST /fixture/guarded',
    ]);
    assert.deepEqual(
      undeclared(fixture).map((r) => r.handler),
      ['FixtureController.forgotten'],
    );
    assert.deepEqual(undeclared(routesOf(ClassLevelController)), []);
  });

  it('fails on any route that declares neither @Public(), @RequirePermissions() nor @RequireUser()', () => {
    assert.deepEqual(
      undeclared(routes).map((r) => `${r.method} ${r.path} (${r.handler})`),
      [],
    );
  });

  it('keeps the whole /v1 API authenticated, and permissions well-formed', () => {
    const open = routes.filter((r) => r.path.startsWith('/v1/') && r.isPublic);
    assert.deepEqual(
      open.map((r) => `${r.method} ${r.path}`),
      [],
    );
    for (const r of routes) {
      for (const p of r.permissions ?? [])
        assert.match(p, /^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/, `${r.handler} requires ${p}`);
    }
  });

  it('answers 401 problem+json to every protected /v1 route called without credentials', async () => {
    const v1 = routes.filter((r) => r.path.startsWith('/v1/') && !r.isPublic);
    assert.ok(v1.length >= 10);
    for (const r of v1) {
      const path = r.path.replace(/:[A-Za-z_]+/g, 'x');
      const json = ['POST', 'PUT', 'PATCH'].includes(r.method) ? {} : undefined;
      const res = await request(r.method, `${app.url}${path}`, { json });
      assertProblem(res, 401, 'unauthorized');
      assert.ok(res.headers.get('www-authenticate'), `${r.method} ${path} lacks WWW-Authenticate`);
    }
  });

  it('sees the edge routes the node:http lane serves, and none of them is open', async () => {
    const edge = routes.filter((r) => r.protocolAuth !== undefined);
    assert.ok(edge.length >= 3);
    for (const r of edge) {
      assert.ok(app.started.edge.match(r.method, r.path), `${r.method} ${r.path} is not on the lane`);
      assert.notEqual(r.protocolAuth, 'none', `${r.method} ${r.path} authenticates nobody`);
      const form = { body: 'grant_type=client_credentials&token=x', headers: { 'content-type': FORM } };
      const res = await request(r.method, `${app.url}${r.path}`, r.method === 'GET' ? {} : form);
      assert.equal(res.status, 401, `${r.method} ${r.path}: ${res.text}`);
      assert.equal(res.body.error, 'invalid_client');
    }
  });

  it('documents every edge route in /docs-json from the route table: fields per grant, responses, errors', async () => {
    const doc = (await request('GET', `${app.url}/docs-json`)).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    for (const { route } of app.started.edge.routes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${route.path} is not documented`);
      assert.equal(op.operationId, route.operationId);
      for (const status of ['200', '400', '401', '413', '415', '429'])
        assert.ok(op.responses[status], `${route.path} ${status}`);
      const error = op.responses['401'].content?.['application/json']?.schema as { required?: string[] } | undefined;
      assert.deepEqual(error?.required, ['error', 'error_description']);
    }
    const token = doc.paths['/oauth/token'].post.requestBody?.content['application/x-www-form-urlencoded'].schema as {
      oneOf: { title: string; required: string[] }[];
    };
    const grants = Object.fromEntries(token.oneOf.map((g) => [g.title, g.required]));
    assert.deepEqual(Object.keys(grants).sort(), [
      'client_credentials',
      'password',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
    assert.deepEqual(grants['urn:ietf:params:oauth:grant-type:token-exchange'], [
      'grant_type',
      'subject_token',
      'subject_token_type',
      'audience',
    ]);
    assert.deepEqual(grants.password, ['grant_type', 'username', 'password']);
    assert.deepEqual(grants.refresh_token, ['grant_type', 'refresh_token']);
  });

  it('answers 401 to bad credentials the same way', async () => {
    const attempts: Record<string, string>[] = [
      { authorization: 'Bearer not.a.jwt' },
      { authorization: 'Bearer ' },
      { 'x-api-key': 'ak_nope' },
      { authorization: 'Basic Zm9vOmJhcg==' },
    ];
    for (const headers of attempts) {
      assertProblem(await request('GET', `${app.url}/v1/roles`, { headers }), 401);
    }
  });
});
