import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { addIntrospectionDocs } from './introspection/introspection.docs';
import { INTROSPECTION_PATH, IntrospectionRoute } from './introspection/introspection.route';
import { addRevocationFeedDocs } from './oauth/revocation-feed/revocation-feed.docs';
import { DirectLane } from './common/http/direct-lane';
import { SecurityHeaders } from './common/http/security-headers';
import { AppModule } from './app.module';
import { configureHttp, fastifyServerOptions, ResponseObservers } from './common/http/configure-http';
import { HttpMetricsObserver } from './health/http-metrics.observer';
import { RateLimitHook } from './rate-limit/rate-limit.hook';
import { RateLimitRecorder } from './rate-limit/rate-limit.recorder';
import { createRootLogger, PinoNestLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';
import { resolveRuntime, Runtime } from './runtime';

export interface StartedApp {
  app: NestFastifyApplication;
  runtime: Runtime;
  /** The node:http lane in front of Fastify for the hot protocol routes. */
  lane: DirectLane;
  close(): Promise<void>;
}

/** Builds the whole service; main.ts and the e2e tests start it the same way. */
export async function createApp(config: AppConfig): Promise<StartedApp> {
  const logger = createRootLogger(config.logLevel);
  const runtime = await resolveRuntime(config, logger);
  const securityHeaders = new SecurityHeaders(config.issuer);
  const lane = new DirectLane({
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    enabled: config.corsOrigins.length === 0,
    headers: securityHeaders,
    logger,
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
  await registerSecurityHeaders(fastify, config, securityHeaders);
  const observers = new ResponseObservers(logger, [app.get(HttpMetricsObserver), app.get(RateLimitRecorder)]);
  configureHttp(fastify, config, logger, observers);
  // After body parsing, before Nest's guards; also reaches routes bound straight on Fastify.
  const limits = app.get(RateLimitHook);
  fastify.addHook('preHandler', (request) => limits.check(request));
  setUpOpenApi(app, config);
  await app.init();
  // The hot protocol route also goes by the direct lane; Fastify serves what the lane leaves.
  lane.post(INTROSPECTION_PATH, app.get(IntrospectionRoute).answer);
  lane.start(limits, observers);
  fastify.addHook('preClose', (done) => {
    lane.close();
    done();
  });
  return {
    app,
    runtime,
    lane,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

async function registerSecurityHeaders(fastify: FastifyInstance, config: AppConfig, headers: SecurityHeaders): Promise<void> {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers.forPath(request.url.split('?', 1)[0]));
    done();
  });
  if (config.corsOrigins.length > 0) {
    await fastify.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-request-id'],
      exposedHeaders: ['x-request-id', 'retry-after', 'www-authenticate'],
      credentials: false,
      maxAge: 600,
    });
  }
}

/** OpenAPI document at /docs-json and its UI at /docs (no authentication). */
function setUpOpenApi(app: NestFastifyApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Auth service')
      .setDescription('OAuth 2.0 token, introspection (RFC 7662) and revocation (RFC 7009) endpoints, and the /v1 admin API.')
      .setVersion('1')
      .addServer(config.issuer)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api_key')
      .addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_secret_basic' }, 'client_basic')
      .build(),
  );
  addIntrospectionDocs(document);
  addRevocationFeedDocs(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
