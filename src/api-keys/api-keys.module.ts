import { Module } from '@nestjs/common';

/** API keys: lifecycle (/v1/api-keys) and verification (registered on Authenticators). */
@Module({})
export class ApiKeysModule {}
