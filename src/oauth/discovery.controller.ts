import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../common/auth/decorators';
import { AppConfig } from '../config/app-config';
import { PermissionCache } from '../rbac/permission-cache.service';
import { TokenService } from './token.service';

/** RFC 8414 authorization server metadata. */
@Controller('.well-known')
export class DiscoveryController {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: TokenService,
    private readonly permissions: PermissionCache,
  ) {}

  @Public()
  @Get('oauth-authorization-server')
  @Header('cache-control', 'public, max-age=300')
  async metadata(): Promise<Record<string, unknown>> {
    const issuer = this.config.issuer;
    // RFC 8705 §2.1.1 and §2.2.1: certificate clients authenticate on all three endpoints.
    const callerAuth = ['client_secret_basic', 'client_secret_post', 'tls_client_auth', 'self_signed_tls_client_auth'];
    return {
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      grant_types_supported: this.tokens.grantTypes,
      response_types_supported: [],
      token_endpoint_auth_methods_supported: [...callerAuth, 'none'],
      introspection_endpoint_auth_methods_supported: callerAuth,
      revocation_endpoint_auth_methods_supported: [...callerAuth, 'none'],
      scopes_supported: await this.permissions.allPermissions(),
      token_endpoint_auth_signing_alg_values_supported: undefined,
      service_documentation: `${issuer}/docs`,
      // RFC 8705 §3.3: tokens of a client authenticated by certificate carry its cnf.x5t#S256.
      tls_client_certificate_bound_access_tokens: true,
    };
  }
}
