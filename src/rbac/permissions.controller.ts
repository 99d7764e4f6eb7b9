import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { Page, PageQueryDto } from '../common/http/pagination';
import { CreatePermissionDto } from './dto/create-permission.dto';
import { PermissionDto } from './dto/permission.dto';
import { PermissionPageDto } from './dto/permission-page.dto';
import { PermissionsService } from './permissions.service';

@ApiTags('permissions')
@Controller('v1/permissions')
export class PermissionsController {
  constructor(private readonly permissions: PermissionsService) {}

  @Get()
  @RequirePermissions('roles:read')
  @ApiOperation({ summary: 'List every permission with its description' })
  @ApiOkResponse({ type: PermissionPageDto })
  list(@Query() query: PageQueryDto): Promise<Page<PermissionDto>> {
    return this.permissions.list(query);
  }

  @Post()
  @RequirePermissions('roles:write')
  @ApiOperation({ summary: 'Create a custom permission (resource:action) for a downstream service' })
  @ApiCreatedResponse({ type: PermissionDto })
  @ApiBadRequestResponse({ description: 'Invalid name or description (problem+json with errors)' })
  @ApiConflictResponse({ description: 'A permission of that name exists' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreatePermissionDto): Promise<PermissionDto> {
    return this.permissions.create(principal, dto);
  }
}
