// Every change to a user's second factors leaves the same two traces: an
// audit row and a `second_factor.changed` webhook event. Both go into the
// caller's unit of work, so the flush that writes the change writes them too
// (one transaction), and a change that fails leaves neither.
import type { EntityManager } from '@mikro-orm/core';
import type { AuditLog } from '../audit/audit-log';
import type { User } from '../entities';
import type { Outbox } from '../events/outbox';

export type SecondFactorChange = 'totp_enabled' | 'totp_disabled' | 'recovery_codes_regenerated' | 'passkey_added' | 'passkey_removed' | 'reset';

export class SecondFactorChanges {
  constructor(
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
  ) {}

  /** `actor`: who made the change (a superuser's reset); the user themself by default. */
  async record(em: EntityManager, user: Pick<User, 'id'>, change: SecondFactorChange, actor: Pick<User, 'id'> = user): Promise<void> {
    const action = change === 'reset' ? 'staff.second_factors_reset' : 'second_factor.changed';
    this.audit.record(em, { action, actor, userId: user.id, detail: { change } });
    await this.outbox.emit(em, 'second_factor.changed', { userId: String(user.id), change });
  }
}
