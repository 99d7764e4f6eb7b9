import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema. Secrets appear only as SHA-256 hashes (bytea) or
 * AES-256-GCM ciphertext (`*_enc`); passwords only as bcrypt hashes.
 */
export class InitialSchema1763856000000 implements MigrationInterface {
  name = 'InitialSchema1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE permissions (
        name        text PRIMARY KEY,
        description text NOT NULL DEFAULT '',
        built_in    boolean NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE roles (
        name            text PRIMARY KEY,
        description     text NOT NULL DEFAULT '',
        built_in        boolean NOT NULL DEFAULT false,
        all_permissions boolean NOT NULL DEFAULT false,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE role_permissions (
        role_name       text NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
        permission_name text NOT NULL REFERENCES permissions(name) ON DELETE CASCADE,
        PRIMARY KEY (role_name, permission_name)
      )`);
    await q.query(`
      CREATE TABLE users (
        id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username               text,
        username_key           text UNIQUE,
        email                  text,
        password_hash          text,
        disabled               boolean NOT NULL DEFAULT false,
        deleted_at             timestamptz,
        failed_attempts        integer NOT NULL DEFAULT 0,
        locked_until           timestamptz,
        mfa_enabled            boolean NOT NULL DEFAULT false,
        mfa_secret_enc         bytea,
        mfa_pending_secret_enc bytea,
        mfa_last_step          bigint,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE user_roles (
        user_id   uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role_name text NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
        PRIMARY KEY (user_id, role_name)
      )`);
    await q.query(`CREATE INDEX user_roles_role_idx ON user_roles (role_name)`);
    await q.query(`
      CREATE TABLE clients (
        id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id                  text NOT NULL UNIQUE,
        name                       text NOT NULL,
        confidential               boolean NOT NULL,
        grant_types                text[] NOT NULL,
        secret_hash                bytea,
        previous_secret_hash       bytea,
        previous_secret_expires_at timestamptz,
        deleted_at                 timestamptz,
        created_at                 timestamptz NOT NULL DEFAULT now(),
        updated_at                 timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE client_roles (
        client_id uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        role_name text NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
        PRIMARY KEY (client_id, role_name)
      )`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash          bytea NOT NULL UNIQUE,
        family_id           uuid NOT NULL,
        parent_id           uuid REFERENCES refresh_tokens(id) ON DELETE SET NULL,
        user_id             uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        client_id           uuid NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        scope               text NOT NULL,
        amr                 text[] NOT NULL,
        consumed_at         timestamptz,
        revoked_at          timestamptz,
        expires_at          timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
    await q.query(`
      CREATE TABLE signing_keys (
        kid             text PRIMARY KEY,
        alg             text NOT NULL,
        state           text NOT NULL CHECK (state IN ('active', 'retiring')),
        public_jwk      jsonb NOT NULL,
        private_key_enc bytea NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        retired_at      timestamptz
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lookup_id        text NOT NULL UNIQUE,
        secret_hash      bytea NOT NULL,
        prefix           text NOT NULL,
        name             text NOT NULL,
        scope            text NOT NULL,
        owner_type       text NOT NULL CHECK (owner_type IN ('user', 'client')),
        owner_id         uuid NOT NULL,
        expires_at       timestamptz,
        revoked_at       timestamptz,
        rotated_at       timestamptz,
        grace_expires_at timestamptz,
        last_used_at     timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_keys_owner_idx ON api_keys (owner_type, owner_id)`);
    await q.query(`
      CREATE TABLE revocations (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind       text NOT NULL,
        subject    text NOT NULL,
        cutoff     timestamptz,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (kind, subject)
      )`);
    await q.query(`CREATE INDEX revocations_expires_idx ON revocations (expires_at)`);
    await q.query(`
      CREATE TABLE audit_events (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        event_type   text NOT NULL,
        outcome      text NOT NULL CHECK (outcome IN ('success', 'failure')),
        actor_type   text NOT NULL CHECK (actor_type IN ('user', 'client', 'api_key', 'system', 'anonymous')),
        actor_id     text,
        subject_type text,
        subject_id   text,
        ip           text,
        user_agent   text,
        request_id   text,
        details      jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX audit_events_type_idx ON audit_events (event_type, id DESC)`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id DESC)`);
    await q.query(`CREATE INDEX audit_events_subject_idx ON audit_events (subject_id, id DESC)`);
    await q.query(`CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_events',
      'revocations',
      'api_keys',
      'signing_keys',
      'refresh_tokens',
      'client_roles',
      'clients',
      'user_roles',
      'users',
      'role_permissions',
      'roles',
      'permissions',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
