import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from '@fastify/helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { addIntrospectionDocs } from './introspection/introspection.docs';
import { AppModule } from './app.module';
import { configureHttp, fastifyRequestIdOptions } from './common/http/configure-http';
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
    ...fastifyRequestIdOptions(),
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
  await fastify.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
  });
  configureHttp(fastify, config, logger);
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
