import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions } from '../common/auth/decorators';
import type { Principal } from '../common/auth/principal';
import { PageQueryDto } from '../common/http/pagination';
import { CreateUserDto } from './dto/create-user.dto';
import { SetRolesDto } from './dto/set-roles.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserPageDto } from './dto/user-page.dto';
import { UserDto } from './dto/user.dto';
import { UserLifecycle } from './user-lifecycle.service';
import { UsersAdmin } from './users-admin.service';

const ID = { name: 'id', description: 'User id (uuid); unknown, malformed and erased ids are 404' };

/** Admin user management. Thin: validation by DTOs, rules in the services. */
@ApiTags('users')
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly admin: UsersAdmin,
    private readonly lifecycle: UserLifecycle,
  ) {}

  @Post()
  @RequirePermissions('users:write')
  @ApiOperation({
    summary: 'Create a user',
    description: 'Default role `user`. Assigning roles whose permissions you do not hold is 403.',
  })
  @ApiCreatedResponse({ type: UserDto })
  @ApiBadRequestResponse({
    description: 'Invalid username, password policy, email or unknown role (problem+json with errors)',
  })
  @ApiConflictResponse({ description: 'The username is taken' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.admin.create(principal, dto);
  }

  @Get()
  @RequirePermissions('users:read')
  @ApiOperation({ summary: 'List users', description: 'Oldest first; erased users are not listed.' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: PageQueryDto): Promise<UserPageDto> {
    return this.admin.list(query);
  }

  @Get(':id')
  @RequirePermissions('users:read')
  @ApiOperation({ summary: 'Get a user' })
  @ApiParam(ID)
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ description: 'No such user' })
  get(@Param('id') id: string): Promise<UserDto> {
    return this.admin.get(id);
  }

  @Patch(':id')
  @RequirePermissions('users:write')
  @ApiOperation({
    summary: 'Change email or disable/enable',
    description: 'Disabling revokes every token of the user for good; its API keys are inactive while disabled.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ description: 'No such user' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserDto> {
    return this.lifecycle.update(principal, id, dto);
  }

  @Put(':id/roles')
  @RequirePermissions('users:write')
  @ApiOperation({
    summary: "Replace the user's roles",
    description: 'Assigning roles whose permissions you do not hold is 403.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ description: 'Unknown role (problem+json with errors)' })
  @ApiNotFoundResponse({ description: 'No such user' })
  setRoles(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() dto: SetRolesDto,
  ): Promise<UserDto> {
    return this.lifecycle.setRoles(principal, id, dto.roles);
  }

  @Post(':id/unlock')
  @HttpCode(204)
  @RequirePermissions('users:write')
  @ApiOperation({ summary: 'Clear a lockout after failed logins' })
  @ApiParam(ID)
  @ApiNoContentResponse({ description: 'Unlocked' })
  @ApiNotFoundResponse({ description: 'No such user' })
  unlock(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    return this.admin.unlock(principal, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('users:write')
  @ApiOperation({
    summary: 'Erase a user',
    description: 'Username, email, password hash and MFA secrets are deleted; tokens and API keys revoked.',
  })
  @ApiParam(ID)
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiNotFoundResponse({ description: 'No such user' })
  erase(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    return this.lifecycle.erase(principal, id);
  }
}
