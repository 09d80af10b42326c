// Reading and resetting a user's second factors as a whole: the SecondFactors
// the API shows (the user themself and staff), and a superuser's reset for
// someone who lost their devices (every method's own reset, pending sign-ins
// dropped, the user mailed).
import type { EntityManager } from '@mikro-orm/core';
import { User } from '../entities';
import { AppError } from '../errors';
import type { SecondFactorChallenges } from './challenges';
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

  async reset(em: EntityManager, userId: number): Promise<void> {
    const user = await em.findOne(User, userId);
    if (!user) throw new AppError('BAD_USER_INPUT', 'There is no such user.', { field: 'userId' });
    for (const m of this.methods) await m.reset?.(em, user);
    await this.challenges.dropAll(em, user);
    this.notices.send(user, { kind: 'factors_reset' });
  }
}
