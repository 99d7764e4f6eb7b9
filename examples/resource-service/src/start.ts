import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AuthKit } from '@auth-service/auth-kit';
import { AUTH_KIT } from '@auth-service/auth-kit/nest';
import { ExampleModule } from './app.module';
import { ExampleConfig } from './config';

export interface RunningExample {
  url: string;
  app: INestApplication;
  /** The kit's core, for its counters (introspection calls, feed state). */
  kit: AuthKit;
  close(): Promise<void>;
}

/** Boots the example on Fastify; resolves once the kit has loaded discovery, JWKS and the revocation list. */
export async function startResourceService(
  config: ExampleConfig,
  options: { logger?: false } = {},
): Promise<RunningExample> {
  const app = await NestFactory.create(ExampleModule.forRoot(config), new FastifyAdapter(), {
    logger: options.logger ?? ['error', 'warn', 'log'],
    // The exact body bytes, for the Content-Digest check of @RequireSignedRequest() routes.
    rawBody: true,
  });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { url, app, kit: app.get<AuthKit>(AUTH_KIT), close: () => app.close() };
}
