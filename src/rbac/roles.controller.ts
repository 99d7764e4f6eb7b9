import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
import { CreateRoleDto } from './dto/create-role.dto';
import { RoleDto } from './dto/role.dto';
import { RolePageDto } from './dto/role-page.dto';
import { UpdateRoleDto } from './dto/update-role.dto';
import { RolesService } from './roles.service';

@ApiTags('roles')
@Controller('v1/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @RequirePermissions('roles:read')
  @ApiOperation({ summary: 'List roles with their permissions' })
  @ApiOkResponse({ type: RolePageDto })
  list(@Query() query: PageQueryDto): Promise<Page<RoleDto>> {
    return this.roles.list(query);
  }

  @Get(':name')
  @RequirePermissions('roles:read')
  @ApiOperation({ summary: 'Read a role' })
  @ApiOkResponse({ type: RoleDto })
  @ApiNotFoundResponse({ description: 'No such role' })
  get(@Param('name') name: string): Promise<RoleDto> {
    return this.roles.get(name);
  }

  @Post()
  @RequirePermissions('roles:write')
  @ApiOperation({
    summary: 'Create a custom role',
    description: 'Every permission must exist (400) and be held by the caller (403).',
  })
  @ApiCreatedResponse({ type: RoleDto })
  @ApiBadRequestResponse({ description: 'Invalid body or unknown permission (problem+json with errors)' })
  @ApiConflictResponse({ description: 'A role of that name exists' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(principal, dto);
  }

  @Patch(':name')
  @RequirePermissions('roles:write')
  @ApiOperation({
    summary: 'Change a custom role',
    description: 'Permissions added must be held by the caller (403). Built-in roles are read-only (409).',
  })
  @ApiOkResponse({ type: RoleDto })
  @ApiBadRequestResponse({ description: 'Invalid body or unknown permission (problem+json with errors)' })
  @ApiNotFoundResponse({ description: 'No such role' })
  @ApiConflictResponse({ description: 'Built-in role' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Body() dto: UpdateRoleDto,
  ): Promise<RoleDto> {
    return this.roles.update(principal, name, dto);
  }

  @Delete(':name')
  @HttpCode(204)
  @RequirePermissions('roles:write')
  @ApiOperation({
    summary: 'Delete a custom role',
    description: 'Its assignments go with it. Built-in roles cannot be deleted (409).',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No such role' })
  @ApiConflictResponse({ description: 'Built-in role' })
  delete(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<void> {
    return this.roles.delete(principal, name);
  }
}
