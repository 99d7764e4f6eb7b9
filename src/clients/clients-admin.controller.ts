import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
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
import { ClientsAdminService } from './clients-admin.service';
import { ClientDto } from './dto/client.dto';
import { ClientPageDto } from './dto/client-page.dto';
import { CreateClientDto } from './dto/create-client.dto';
import { CreatedClientDto } from './dto/created-client.dto';
import { RotateClientSecretDto } from './dto/rotate-client-secret.dto';
import { RotatedClientSecretDto } from './dto/rotated-client-secret.dto';

@ApiTags('clients')
@Controller('v1/clients')
export class ClientsAdminController {
  constructor(private readonly clients: ClientsAdminService) {}

  @Post()
  @RequirePermissions('clients:write')
  @ApiOperation({
    summary: 'Register an OAuth client',
    description:
      'A confidential client gets a secret, shown once. Roles may give only permissions the caller holds (403).',
  })
  @ApiCreatedResponse({ type: CreatedClientDto })
  @ApiBadRequestResponse({ description: 'Invalid body, unknown role, or client_credentials on a public client' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateClientDto): Promise<CreatedClientDto> {
    return this.clients.create(principal, dto);
  }

  @Get()
  @RequirePermissions('clients:read')
  @ApiOperation({ summary: 'List clients (never a secret)' })
  @ApiOkResponse({ type: ClientPageDto })
  list(@Query() query: PageQueryDto): Promise<Page<ClientDto>> {
    return this.clients.list(query);
  }

  @Get(':client_id')
  @RequirePermissions('clients:read')
  @ApiOperation({ summary: 'Read a client (never a secret)' })
  @ApiOkResponse({ type: ClientDto })
  @ApiNotFoundResponse({ description: 'No such client, or deleted' })
  get(@Param('client_id') clientId: string): Promise<ClientDto> {
    return this.clients.get(clientId);
  }

  @Post(':client_id/secret')
  @RequirePermissions('clients:write')
  @ApiOperation({
    summary: 'Rotate a confidential client’s secret',
    description: 'The old secret keeps working for grace_seconds (default 0: it stops at once).',
  })
  @ApiCreatedResponse({ type: RotatedClientSecretDto })
  @ApiNotFoundResponse({ description: 'No such client, or deleted' })
  @ApiConflictResponse({ description: 'Public client: it has no secret' })
  rotateSecret(
    @CurrentPrincipal() principal: Principal,
    @Param('client_id') clientId: string,
    @Body() dto: RotateClientSecretDto,
  ): Promise<RotatedClientSecretDto> {
    return this.clients.rotateSecret(principal, clientId, dto.grace_seconds ?? 0);
  }

  @Delete(':client_id')
  @HttpCode(204)
  @RequirePermissions('clients:write')
  @ApiOperation({
    summary: 'Delete a client',
    description: 'Its access tokens, refresh tokens and API keys stop working at once.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such client, or already deleted' })
  @ApiConflictResponse({ description: 'The bootstrap client cannot be deleted' })
  delete(@CurrentPrincipal() principal: Principal, @Param('client_id') clientId: string): Promise<void> {
    return this.clients.delete(principal, clientId);
  }
}
