// Reading and resetting a user's second factors as a whole: the SecondFactors
// the API shows (the user themself and staff), and a superuser's reset for
// someone who lost their devices (every method's own reset, pending sign-ins
// dropped, the user mailed).
import type { EntityManager } from '@mikro-orm/core';
import { User } from '../entities';
import { AppError } from '../errors';
import type { SecondFactorChallenges } from './challenges';
import type { SecondFactorChanges } from './changes';
import type { SecondFactorMethod } from './method';
import type { SecondFactorNotices } from './notices';
import type { RecoveryCodeStore } from './recovery-code-store';
import type { TotpFactors } from './totp-factors';

/** A registered passkey as the API lists it. */
export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt?: Date | null;
}

export type PasskeyLister = (em: EntityManager, user: User) => Promise<PasskeySummary[]>;

export interface SecondFactorState {
  totp: boolean;
  passkeys: PasskeySummary[];
  recoveryCodesLeft: number;
}

export class SecondFactorOverview {
  constructor(
    private readonly methods: readonly SecondFactorMethod[],
    private readonly factors: TotpFactors,
    private readonly codes: RecoveryCodeStore,
    private readonly challenges: SecondFactorChallenges,
    private readonly notices: SecondFactorNotices,
    private readonly changes: SecondFactorChanges,
    /** The user's passkeys (PasskeyService.list). */
    private readonly passkeys: PasskeyLister = async () => [],
  ) {}

  /** The user themself and staff see it; anyone else null. */
  async of(em: EntityManager, viewer: User | null, user: User): Promise<SecondFactorState | null> {
    if (!viewer || (viewer.id !== user.id && !viewer.isStaff && !viewer.isSuperuser)) return null;
    return {
      totp: (await this.factors.confirmed(em, user)) !== null,
      passkeys: await this.passkeys(em, user),
      recoveryCodesLeft: await this.codes.left(em, user),
    };
  }

  /** `actor`: the superuser; the removals, the audit row and the event commit together. */
  async reset(em: EntityManager, actor: Pick<User, 'id'>, userId: number): Promise<void> {
    const user = await em.transactional(async (tx) => {
      const found = await tx.findOne(User, userId);
      if (!found) throw new AppError('BAD_USER_INPUT', 'There is no such user.', { field: 'userId' });
      for (const m of this.methods) await m.reset?.(tx, found);
      await this.challenges.dropAll(tx, found);
      await this.changes.record(tx, found, 'reset', actor);
      return found;
    });
    this.notices.send(user, { kind: 'factors_reset' });
  }
}
