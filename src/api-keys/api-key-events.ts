import { Injectable } from '@nestjs/common';

export interface KeyFailure {
  reason: string;
  /** Absent for malformed keys. */
  lookupId?: string;
  /** The key row id, when the lookup id named an existing key. */
  keyId?: string;
}

export interface KeyUse {
  id: string;
  /** last_used_at of the loaded row (epoch ms), to rate-limit the first write after a restart. */
  knownLastUsed: number | null;
}

type Listener<T> = (event: T) => void;

/**
 * The in-process bus between verifying a key and writing about it
 * (DESIGN.md convention 3: guards decide, they do not write). The verifier,
 * which runs inside the global guard and on introspection, only emits
 * `failed` and `used`; ApiKeyFailures (audit rows) and ApiKeyUsage
 * (last_used_at) listen and write off the request's decision path.
 * Listeners run synchronously in the emitter's async context (so a row
 * still carries the request's IP and id) and must not throw.
 */
@Injectable()
export class ApiKeyEvents {
  private readonly failedListeners: Listener<KeyFailure>[] = [];
  private readonly usedListeners: Listener<KeyUse>[] = [];

  onFailed(listener: Listener<KeyFailure>): void {
    this.failedListeners.push(listener);
  }

  onUsed(listener: Listener<KeyUse>): void {
    this.usedListeners.push(listener);
  }

  failed(failure: KeyFailure): void {
    for (const listener of this.failedListeners) listener(failure);
  }

  used(use: KeyUse): void {
    for (const listener of this.usedListeners) listener(use);
  }
}
