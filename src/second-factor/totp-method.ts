// TOTP as a second factor: an account with a confirmed authenticator needs
// a code at sign-in (amr `otp`). An enrollment not yet confirmed changes nothing.
import type { EntityManager } from '@mikro-orm/core';
import { TotpFactor, type User } from '../entities';
import { codeInvalid } from './code-invalid';
import type { SecondFactorAnswer, SecondFactorMethod } from './method';
import type { TotpFactors } from './totp-factors';

export class TotpMethod implements SecondFactorMethod {
  readonly kind = 'TOTP' as const;

  constructor(private readonly factors: TotpFactors) {}

  async requiresSecondStep(em: EntityManager, user: User): Promise<boolean> {
    return (await this.factors.confirmed(em, user)) !== null;
  }

  offered(em: EntityManager, user: User): Promise<boolean> {
    return this.requiresSecondStep(em, user);
  }

  answers(answer: SecondFactorAnswer): boolean {
    return typeof answer.code === 'string' && answer.code !== '';
  }

  async verify(em: EntityManager, user: User, answer: SecondFactorAnswer): Promise<readonly string[]> {
    const factor = await this.factors.confirmed(em, user);
    if (!factor || !(await this.factors.check(em, factor, answer.code ?? ''))) throw codeInvalid();
    return ['otp'];
  }

  async reset(em: EntityManager, user: User): Promise<void> {
    await em.nativeDelete(TotpFactor, { user: user.id });
  }
}
