import { DynamicModule, Module } from '@nestjs/common';
import { TokenSource } from '@auth-service/auth-kit';
import { AuthKitModule } from '@auth-service/auth-kit/nest';
import { ExampleConfig } from './config';
import { LyricsController } from './lyrics.controller';
import { OnBehalfService } from './on-behalf.service';
import { EXAMPLE_CONFIG } from './tokens';

@Module({})
export class ExampleModule {
  static forRoot(config: ExampleConfig): DynamicModule {
    const credentials = { clientId: config.clientId, clientSecret: config.clientSecret };
    return {
      module: ExampleModule,
      imports: [
        // The three lines a service needs: every route is now guarded unless @Public().
        AuthKitModule.forRoot({
          issuer: config.issuer,
          audience: config.audience,
          credentials,
          revocation: { onStale: config.onStale },
          signatures: { authority: config.signatureAuthority ?? `${config.host}:${config.port}` },
        }),
      ],
      controllers: [LyricsController],
      providers: [
        { provide: EXAMPLE_CONFIG, useValue: config },
        { provide: TokenSource, useFactory: () => new TokenSource({ issuer: config.issuer, ...credentials }) },
        OnBehalfService,
      ],
    };
  }
}
