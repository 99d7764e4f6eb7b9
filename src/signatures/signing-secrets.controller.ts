import { Controller, Delete, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { Page, PageQueryDto } from '../common/http/pagination';
import { CreatedSigningSecretDto } from './dto/created-signing-secret.dto';
import { SigningSecretPageDto } from './dto/signing-secret-page.dto';
import { SigningSecretDto } from './dto/signing-secret.dto';
import { SigningSecretsService } from './signing-secrets.service';

@ApiTags('clients')
@Controller('v1/clients/:client_id/signing-secrets')
export class SigningSecretsController {
  constructor(private readonly secrets: SigningSecretsService) {}

  @Post()
  @RequirePermissions('clients:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Create an RFC 9421 signing secret for a client (shown once)' })
  @ApiCreatedResponse({ type: CreatedSigningSecretDto })
  @ApiNotFoundResponse({ description: 'No such client, or deleted' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param('client_id') clientId: string,
  ): Promise<CreatedSigningSecretDto> {
    return this.secrets.create(principal, clientId);
  }

  @Get()
  @RequirePermissions('clients:read')
  @ApiOperation({ summary: 'List a client’s live signing secrets (never the secret)' })
  @ApiOkResponse({ type: SigningSecretPageDto })
  @ApiNotFoundResponse({ description: 'No such client, or deleted' })
  list(@Param('client_id') clientId: string, @Query() query: PageQueryDto): Promise<Page<SigningSecretDto>> {
    return this.secrets.list(clientId, query);
  }

  @Delete(':keyid')
  @HttpCode(204)
  @RequirePermissions('clients:write')
  @ApiOperation({ summary: 'Delete a signing secret: refused at once here, within 1 s on every instance' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such client or signing secret' })
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('client_id') clientId: string,
    @Param('keyid') keyid: string,
  ): Promise<void> {
    return this.secrets.delete(principal, clientId, keyid);
  }
}
