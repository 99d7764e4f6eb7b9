import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { addIntrospectionDocs } from './introspection/introspection.docs';
import { AppModule } from './app.module';
import { configureHttp, fastifyServerOptions } from './common/http/configure-http';
import { HttpMetricsObserver } from './health/http-metrics.observer';
import { RateLimitHook } from './rate-limit/rate-limit.hook';
import { RateLimitRecorder } from './rate-limit/rate-limit.recorder';
import { createRootLogger, PinoNestLogger } from './common/logging/logger';
import { AppConfig } from './config/app-config';
import { resolveRuntime, Runtime } from './runtime';

export interface StartedApp {
  app: NestFastifyApplication;
  runtime: Runtime;
  close(): Promise<void>;
}

/** Builds the whole service; main.ts and the e2e tests start it the same way. */
export async function createApp(config: AppConfig): Promise<StartedApp> {
  const logger = createRootLogger(config.logLevel);
  const runtime = await resolveRuntime(config, logger);
  const adapter = new FastifyAdapter({
    ...fastifyServerOptions(),
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
  await registerSecurityHeaders(fastify, config);
  configureHttp(fastify, config, logger, [app.get(HttpMetricsObserver), app.get(RateLimitRecorder)]);
  // After body parsing, before Nest's guards; also reaches routes bound straight on Fastify.
  const limits = app.get(RateLimitHook);
  fastify.addHook('preHandler', (request) => limits.check(request));
  setUpOpenApi(app, config);
  await app.init();
  return {
    app,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

/** What the API answers may load: nothing. They are JSON; no browser should run or frame anything in them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * What swagger-ui at /docs needs, and no more: its bundle, init script and
 * stylesheet from 'self' (no inline script, no eval), inline styles (its
 * page has a <style> block and it sets style attributes at runtime), data:
 * images (its SVG icons), and XHR to 'self' and the issuer for "Try it out".
 */
function docsCsp(issuer: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${new URL(issuer).origin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Security headers on every response (helmet): HSTS for a year, nosniff,
 * no referrer, a deny-all CSP (relaxed for /docs only); Fastify sends no
 * X-Powered-By or Server banner. CORS only when CORS_ORIGINS lists origins:
 * exact origins, no credentials mode (tokens travel in headers, never in
 * cookies), so by default browsers on other origins cannot read anything.
 */
async function registerSecurityHeaders(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  await fastify.register(helmet, {
    global: true,
    // Set below per path: helmet's own CSP would merge in its defaults.
    contentSecurityPolicy: false,
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    hidePoweredBy: true,
    // Off: headers that only protect HTML documents in old or specific browsers (OWASP REST
    // Security cheat sheet lists what an API needs: HSTS, nosniff, CSP, frame denial, no-store).
    // Each costs bytes and a middleware step on every response of the introspection hot path.
    xDnsPrefetchControl: false,
    ieNoOpen: false,
    permittedCrossDomainPolicies: false,
    xXssProtection: false,
    originAgentCluster: false,
    crossOriginOpenerPolicy: false,
  });
  const docs = docsCsp(config.issuer);
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?', 1)[0];
    reply.header('content-security-policy', path === '/docs' || path.startsWith('/docs/') ? docs : API_CSP);
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
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
