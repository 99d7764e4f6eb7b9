import { Global, Module } from '@nestjs/common';
import { Logger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { createRootLogger } from './logger';

/** Injection token for the root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
export type RootLogger = Logger;

@Global()
@Module({
  providers: [
    { provide: ROOT_LOGGER, inject: [AppConfig], useFactory: (c: AppConfig) => createRootLogger(c.logLevel) },
  ],
  exports: [ROOT_LOGGER],
})
export class LoggingModule {}
