import { Injectable } from '@nestjs/common';
import { createVerifier } from 'http-message-signatures';
import { FailureAudit } from '../audit/failure-audit.service';
import { ClientStore } from '../clients/client-store.service';
import { RequestContext } from '../common/http/request-context';
import { AppConfig } from '../config/app-config';
import { PermissionCache } from '../rbac/permission-cache.service';
import { NonceRegistry } from './nonce-registry.service';
import { PROFILE_ALG, ProfileViolation, readSignature, SignatureClaims } from './signature-profile';
import { SigningSecretKeys } from './signing-secret-keys.service';

export type VerifyAnswer =
  { valid: false } | { valid: true; client_id: string; keyid: string; scope: string; created: number; expires: number };

const INVALID: VerifyAnswer = Object.freeze({ valid: false });

/** A refusal: its reason goes to the audit row, never to the caller (who sees only `{"valid": false}`). */
class Rejected extends Error {}

/**
 * POST /oauth/signatures/verify (API.md "Signed requests"): the profile
 * (signature-profile.ts), then the clock, the key, the MAC (through
 * http-message-signatures), and last the nonce, so that only a signature
 * that verified spends its nonce. Every refusal is the same answer.
 */
@Injectable()
export class SignatureVerifier {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningSecretKeys,
    private readonly nonces: NonceRegistry,
    private readonly clients: ClientStore,
    private readonly permissions: PermissionCache,
    private readonly failures: FailureAudit,
  ) {}

  async verify(form: Record<string, string>): Promise<VerifyAnswer> {
    try {
      return await this.check(form);
    } catch (err) {
      if (!(err instanceof Rejected) && !(err instanceof ProfileViolation)) throw err;
      await this.rejected(err.message);
      return INVALID;
    }
  }

  private async check(form: Record<string, string>): Promise<VerifyAnswer> {
    const { signature_input: input, signature, signature_base: base } = form;
    if (!input || !signature || !base) throw new Rejected('signature_input, signature or signature_base missing');
    const claims = readSignature(input, signature, base);
    this.checkClock(claims);
    const key = await this.keys.get(claims.keyid);
    if (!key) throw new Rejected('unknown keyid');
    const macOk = await createVerifier(key.key, PROFILE_ALG)(Buffer.from(claims.base, 'utf8'), claims.mac);
    if (!macOk) throw new Rejected('wrong MAC');
    const client = await this.clients.get(key.clientId);
    if (!client || client.deleted) throw new Rejected('client deleted');
    if (!(await this.nonces.firstUse(claims.keyid, claims.nonce, claims.expires))) throw new Rejected('nonce replayed');
    const scope = [...(await this.permissions.permissionsOf(client.roles))].sort().join(' ');
    return {
      valid: true,
      client_id: key.clientId,
      keyid: key.keyid,
      scope,
      created: claims.created,
      expires: claims.expires,
    };
  }

  private checkClock(claims: SignatureClaims): void {
    const now = Math.floor(Date.now() / 1000);
    if (Math.abs(now - claims.created) > this.config.signatureMaxSkewSeconds)
      throw new Rejected('created outside the skew');
    if (claims.expires <= now) throw new Rejected('expired');
  }

  private async rejected(reason: string): Promise<void> {
    // The one failure damper: a row per source, reason and window, with a count.
    const meta = RequestContext.current();
    await this.failures.record(
      {
        eventType: 'signature.rejected',
        outcome: 'failure',
        actor: { type: 'anonymous', id: null },
        details: { reason },
      },
      `${meta.ip ?? '-'}|${reason}`,
    );
  }
}
