import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
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
import { Page } from '../common/http/pagination';
import { ApiKeyLifecycle } from './api-key-lifecycle.service';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyPage } from './dto/api-key-page.dto';
import { ApiKeyView } from './dto/api-key-view.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { CreatedApiKey } from './dto/created-api-key.dto';
import { ListApiKeysQuery } from './dto/list-api-keys.query';
import { RotateApiKeyDto } from './dto/rotate-api-key.dto';
import { RotatedApiKey } from './dto/rotated-api-key.dto';

@ApiTags('api-keys')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly lifecycle: ApiKeyLifecycle,
  ) {}

  @Post()
  @RequirePermissions('api_keys:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Create an API key (the key is shown once)' })
  @ApiCreatedResponse({ type: CreatedApiKey })
  @ApiBadRequestResponse({ description: 'Invalid body, expires_at in the past, unknown owner' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.keys.create(principal, dto);
  }

  @Get()
  @RequirePermissions('api_keys:read')
  @ApiOperation({ summary: 'List API keys, newest first (metadata only)' })
  @ApiOkResponse({ type: ApiKeyPage })
  list(@Query() query: ListApiKeysQuery): Promise<Page<ApiKeyView>> {
    return this.keys.list(query);
  }

  @Get(':id')
  @RequirePermissions('api_keys:read')
  @ApiOperation({ summary: 'One API key (metadata with last_used_at, never the key)' })
  @ApiOkResponse({ type: ApiKeyView })
  @ApiNotFoundResponse({ description: 'No such key' })
  get(@Param('id') id: string): Promise<ApiKeyView> {
    return this.keys.get(id);
  }

  @Post(':id/rotate')
  @HttpCode(201)
  @RequirePermissions('api_keys:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Rotate: a new key with the same name, scope and owner; the old one works for grace_seconds',
  })
  @ApiCreatedResponse({ type: RotatedApiKey })
  @ApiNotFoundResponse({ description: 'No such key' })
  @ApiConflictResponse({ description: 'The key is revoked, expired or already rotated' })
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: RotateApiKeyDto,
  ): Promise<RotatedApiKey> {
    return this.lifecycle.rotate(principal, id, dto.grace_seconds ?? 0);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('api_keys:write')
  @ApiOperation({ summary: 'Revoke: the key stops working at once (other instances within 1 s)' })
  @ApiNoContentResponse({ description: 'Revoked (or already revoked)' })
  @ApiNotFoundResponse({ description: 'No such key' })
  revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    return this.lifecycle.revoke(principal, id);
  }
}
