import { DynamicModule, Global, Module } from '@nestjs/common';
import { Runtime } from './runtime';
import { AppConfig, loadConfig } from './app-config';

/** Provides the validated AppConfig and the resolved Runtime to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, runtime: Runtime): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Runtime, useValue: runtime },
      ],
      exports: [AppConfig, Runtime],
    };
  }
}

/** For entry points that run before Nest (main, CLI): the only reader of process.env. */
export function configFromProcessEnv(): AppConfig {
  return loadConfig(process.env);
}
