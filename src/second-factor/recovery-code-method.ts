// Recovery codes stand in for another factor (a lost phone): never a reason
// for a second step on their own, offered while the user has codes left.
// RFC 8176 has no value for them; a pre-printed single-use code is a one-time
// password, so the amr says `otp`. Fewer than 3 left: the user is told.
import type { EntityManager } from '@mikro-orm/core';
import type { User } from '../entities';
import { codeInvalid } from './code-invalid';
import type { SecondFactorAnswer, SecondFactorMethod } from './method';
import type { SecondFactorNotices } from './notices';
import type { RecoveryCodeStore } from './recovery-code-store';

export const LOW_RECOVERY_CODES = 3;

export class RecoveryCodeMethod implements SecondFactorMethod {
  readonly kind = 'RECOVERY_CODE' as const;

  constructor(
    private readonly codes: RecoveryCodeStore,
    private readonly notices: SecondFactorNotices,
  ) {}

  async requiresSecondStep(): Promise<boolean> {
    return false;
  }

  async offered(em: EntityManager, user: User): Promise<boolean> {
    return (await this.codes.left(em, user)) > 0;
  }

  answers(answer: SecondFactorAnswer): boolean {
    return typeof answer.recoveryCode === 'string' && answer.recoveryCode !== '';
  }

  async verify(em: EntityManager, user: User, answer: SecondFactorAnswer): Promise<readonly string[]> {
    await this.spend(em, user, answer.recoveryCode ?? '');
    return ['otp'];
  }

  /** Spends one code (throws CODE_INVALID) and tells the user when few are left. */
  async spend(em: EntityManager, user: User, input: string): Promise<void> {
    const left = await this.codes.spend(em, user, input);
    if (left === null) throw codeInvalid();
    if (left < LOW_RECOVERY_CODES) this.notices.send(user, { kind: 'recovery_codes_low', left });
  }

  reset(em: EntityManager, user: User): Promise<void> {
    return this.codes.drop(em, user);
  }
}
