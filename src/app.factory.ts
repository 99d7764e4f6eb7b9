import type { IncomingMessage } from 'node:http';
import type { Server as TlsServer } from 'node:tls';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import cors from '@fastify/cors';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DirectLane } from './common/http/direct-lane';
import { SecurityHeaders } from './common/http/security-headers';
import { CorsPolicy } from './common/http/cors-policy';
import { ResponsePolicy } from './common/http/response-policy';
import { AppModule } from './app.module';
import { configureHttp, fastifyServerOptions, isSelfServed, ResponseObservers } from './common/http/configure-http';
import { HttpMetricsObserver } from './health/http-metrics.observer';
import { RateLimitHook } from './rate-limit/rate-limit.hook';
import { RateLimitRecorder } from './rate-limit/rate-limit.recorder';
import { createRootLogger, PinoNestLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';
import { Runtime } from './config/runtime';
import { resolveRuntime } from './database/resolve-runtime';
import { CallerAuthenticator } from './oauth/edge/caller-authenticator';
import { EdgeResponder } from './oauth/edge/edge-responder';
import { OAUTH_ACTIONS, OAuthAction } from './oauth/edge/edge.types';
import { bindEdgeOnFastify } from './oauth/edge/fastify-binding';
import { BoundRoute, OAuthEdge } from './oauth/edge/oauth-edge';
import { addOAuthRoutes } from './oauth/edge/openapi';
import { OAUTH_ROUTES } from './oauth/edge/route-table';
import { TlsFiles } from './tls/tls-files';

export interface StartedApp {
  app: NestFastifyApplication;
  runtime: Runtime;
  /** The node:http adapter of the protocol edge, in front of Fastify. */
  lane: DirectLane<BoundRoute>;
  /** The protocol edge: every /oauth/* route (its table feeds the route walker and OpenAPI). */
  edge: OAuthEdge;
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /**
   * Tests only: which edge requests the node:http lane takes (default all); the
   * others reach the same edge through Fastify. Nothing a caller can choose.
   */
  laneTakes?: (req: IncomingMessage) => boolean;
}

/** Builds the whole service; main.ts and the e2e tests start it the same way. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<StartedApp> {
  const logger = createRootLogger(config.logLevel);
  const runtime = await resolveRuntime(config, logger);
  const tlsFiles = config.tls ? new TlsFiles(config.tls, logger) : undefined;
  const policy = new ResponsePolicy(
    new SecurityHeaders(config.issuer, tlsFiles !== undefined),
    new CorsPolicy(config.corsOrigins),
  );
  const lane = new DirectLane<BoundRoute>({
    trustProxy: config.trustProxy,
    limits: {
      requestTimeoutMs: config.requestTimeoutSeconds * 1000,
      keepAliveTimeoutMs: config.keepAliveTimeoutSeconds * 1000,
      maxConnectionsPerIp: config.maxConnectionsPerIp,
    },
    takes: options.laneTakes,
    // Given TLS options, the lane's factory built an https.Server: a tls.Server whose context can be swapped.
    tls: tlsFiles && {
      options: tlsFiles.serverOptions(),
      onServer: (server) => tlsFiles.watch(server as unknown as TlsServer),
    },
  });
  const adapter = new FastifyAdapter({
    ...fastifyServerOptions(),
    serverFactory: lane.serverFactory,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    logger: false,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, runtime), adapter, {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  if (policy.cors.enabled) await fastify.register(cors, policy.cors.fastifyOptions());
  const observers = new ResponseObservers(logger, [app.get(HttpMetricsObserver), app.get(RateLimitRecorder)]);
  configureHttp(fastify, config, logger, policy, observers);
  const limits = app.get(RateLimitHook);
  // After body parsing, before Nest's guards. The edge's routes run the same check in their own pipeline.
  fastify.addHook('preHandler', async (request) => {
    if (!isSelfServed(request)) await limits.check(request);
  });
  const edge = new OAuthEdge({
    routes: OAUTH_ROUTES,
    actions: app.get<symbol, OAuthAction[]>(OAUTH_ACTIONS),
    authenticator: app.get(CallerAuthenticator),
    gate: limits,
    observers,
    responder: new EdgeResponder(policy, logger),
    bodyLimitBytes: config.bodyLimitBytes,
    logger,
  });
  await bindEdgeOnFastify(fastify, edge);
  setUpOpenApi(app, config);
  await app.init();
  lane.start(edge);
  fastify.addHook('preClose', (done) => {
    lane.close();
    done();
  });
  return {
    app,
    runtime,
    lane,
    edge,
    async close() {
      tlsFiles?.close();
      await app.close();
      await runtime.close();
    },
  };
}

/** OpenAPI document at /docs-json and its UI at /docs (no authentication). */
function setUpOpenApi(app: NestFastifyApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Auth service')
      .setDescription(
        'OAuth 2.0 token, introspection (RFC 7662) and revocation (RFC 7009) endpoints, and the /v1 admin API.',
      )
      .setVersion('1')
      .addServer(config.issuer)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api_key')
      .addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_secret_basic' }, 'client_basic')
      .build(),
  );
  addOAuthRoutes(document, OAUTH_ROUTES);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
