import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { RbacModule } from '../rbac/rbac.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { DiscoveryController } from './discovery.controller';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant';
import { PasswordGrant } from './grants/password.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenExchangeGrant } from './grants/token-exchange.grant';
import { RevocationFeedModule } from './revocation-feed/revocation-feed.module';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';

const GRANTS = [PasswordGrant, RefreshTokenGrant, ClientCredentialsGrant, TokenExchangeGrant];

@Module({
  imports: [ClientsModule, RbacModule, TokensModule, UsersModule, RevocationFeedModule],
  controllers: [TokenController, DiscoveryController],
  providers: [
    ...GRANTS,
    { provide: GRANT_HANDLERS, inject: GRANTS, useFactory: (...handlers: GrantHandler[]) => handlers },
    TokenService,
  ],
})
export class OAuthModule {}
