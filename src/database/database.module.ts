import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Runtime } from '../config/runtime';
import { AppConfig } from '../config/app-config';
import { Database } from './database.service';
import { dataSourceOptions, runMigrationsLocked } from './data-source-options';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, Runtime],
      // PGlite is a single session: one pooled connection, or transactions would interleave.
      useFactory: (config: AppConfig, runtime: Runtime) =>
        dataSourceOptions(runtime.databaseUrl, runtime.embedded ? 1 : config.dbPoolSize),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await runMigrationsLocked(dataSource, (options as { extra?: { max?: number } }).extra?.max === 1);
        return dataSource;
      },
    }),
  ],
  providers: [Database],
  exports: [Database],
})
export class DatabaseModule {}
