import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { SYSTEM_ACTOR } from '../audit/audit.types';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { ClientsRepository } from './clients.repository';

/** Ensures the public BOOTSTRAP_CLIENT_ID client (password and refresh_token grants) exists. */
@Injectable()
export class BootstrapClient implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly db: Database,
    private readonly clients: ClientsRepository,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const clientId = this.config.bootstrapClientId;
    if (await this.clients.findByClientId(clientId)) return;
    await this.db.transaction(async (tx) => {
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO clients (client_id, name, confidential, grant_types)
         VALUES ($1, $2, false, '{password,refresh_token}')
         ON CONFLICT (client_id) DO NOTHING RETURNING id`,
        [clientId, 'Command-line and first-party apps'],
      );
      if (inserted.length === 0) return;
      await this.audit.record(tx, {
        eventType: 'client.created',
        outcome: 'success',
        actor: SYSTEM_ACTOR,
        subject: { type: 'client', id: clientId },
        details: { bootstrap: true, confidential: false, grant_types: ['password', 'refresh_token'] },
      });
    });
  }
}
