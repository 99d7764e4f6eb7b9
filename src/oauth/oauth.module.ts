import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { IntrospectionModule } from '../introspection/introspection.module';
import { RbacModule } from '../rbac/rbac.module';
import { SignaturesModule } from '../signatures/signatures.module';
import { RevokeModule } from './revoke.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { IntrospectAction } from './actions/introspect.action';
import { RevokeAction } from './actions/revoke.action';
import { SignatureVerifyAction } from './actions/signature-verify.action';
import { TokenAction } from './actions/token.action';
import { DiscoveryController } from './discovery.controller';
import { CallerAuthenticator } from './edge/caller-authenticator';
import { OAUTH_ACTIONS, OAuthAction } from './edge/edge.types';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenExchangeGrant } from './grants/token-exchange.grant';
import { RevocationFeedModule } from './revocation-feed/revocation-feed.module';
import { FeedListAction } from './actions/feed-list.action';
import { FeedStreamAction } from './actions/feed-stream.action';
import { TokenService } from './token.service';

const GRANTS = [PasswordGrant, RefreshTokenGrant, ClientCredentialsGrant, TokenExchangeGrant];
/** Every action of the protocol edge; app.factory binds them on both adapters through the route table. */
const ACTIONS = [TokenAction, IntrospectAction, RevokeAction, SignatureVerifyAction, FeedListAction, FeedStreamAction];

@Module({
  imports: [
    ClientsModule,
    RbacModule,
    TokensModule,
    UsersModule,
    IntrospectionModule,
    RevokeModule,
    SignaturesModule,
    RevocationFeedModule,
  ],
  controllers: [DiscoveryController],
  providers: [
    ...GRANTS,
    { provide: GRANT_HANDLERS, inject: GRANTS, useFactory: (...handlers: GrantHandler[]) => handlers },
    TokenService,
    CallerAuthenticator,
    ...ACTIONS,
    { provide: OAUTH_ACTIONS, inject: ACTIONS, useFactory: (...actions: OAuthAction[]) => actions },
  ],
  exports: [CallerAuthenticator, OAUTH_ACTIONS],
})
export class OAuthModule {}
