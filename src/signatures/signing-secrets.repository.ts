import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { Tx } from '../database/tx';

export interface SigningSecretRow {
  keyid: string;
  created_at: Date;
}

export interface LiveSigningSecret {
  keyid: string;
  /** The public client_id of the owner. */
  client_id: string;
  secret_enc: Buffer;
}

/** SQL of `client_signing_secrets`: the one place that reads or writes it. */
@Injectable()
export class SigningSecretsRepository {
  constructor(private readonly db: Database) {}

  async insert(tx: Tx, keyid: string, clientUuid: string, secretEnc: Buffer): Promise<SigningSecretRow> {
    const row = await tx.one<SigningSecretRow>(
      `INSERT INTO client_signing_secrets (keyid, client_id, secret_enc) VALUES ($1, $2, $3)
       RETURNING keyid, created_at`,
      [keyid, clientUuid, secretEnc],
    );
    return row!;
  }

  /** Live secrets of one client, oldest first, keyset-paged on (created_at, keyid). */
  list(clientUuid: string, after: { t: string; k: string } | undefined, limit: number): Promise<SigningSecretRow[]> {
    return this.db.query<SigningSecretRow>(
      `SELECT keyid, created_at FROM client_signing_secrets
        WHERE client_id = $1 AND deleted_at IS NULL
          AND ($2::timestamptz IS NULL OR (created_at, keyid) > ($2::timestamptz, $3::text))
        ORDER BY created_at, keyid LIMIT $4`,
      [clientUuid, after?.t ?? null, after?.k ?? null, limit],
    );
  }

  /** True when a live secret of this client was deleted now. */
  async softDelete(tx: Tx, clientUuid: string, keyid: string): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE client_signing_secrets SET deleted_at = now()
        WHERE client_id = $1 AND keyid = $2 AND deleted_at IS NULL RETURNING keyid`,
      [clientUuid, keyid],
    );
    return rows.length === 1;
  }

  /** A live secret of a live client, for verification. */
  findLive(keyid: string): Promise<LiveSigningSecret | undefined> {
    return this.db.one<LiveSigningSecret>(
      `SELECT s.keyid, c.client_id, s.secret_enc
         FROM client_signing_secrets s JOIN clients c ON c.id = s.client_id
        WHERE s.keyid = $1 AND s.deleted_at IS NULL AND c.deleted_at IS NULL`,
      [keyid],
    );
  }
}
