// verifySecondFactor: the second step of a sign-in the gate stopped. The
// challenge is opened, the per-account second-factor throttle counted (apart
// from the password's, so neither can lock the other out), the answer handed
// to the one offered method that reads it; a wrong answer counts against the
// challenge (5 spend it). A right one claims the challenge, then the sign-in
// completes through the pipeline as the first factor began it, with amr =
// first factor's + the method's + `mfa`, which lets it through the gate.
import type { EntityManager } from '@mikro-orm/core';
import type { User } from '../entities';
import { AppError, badInput } from '../errors';
import type { SecondFactorChallenges } from '../second-factor/challenges';
import { codeInvalid } from '../second-factor/code-invalid';
import type { SecondFactorAnswer, SecondFactorMethod } from '../second-factor/method';
import type { ClientMeta, IssuedSession } from '../sessions/sessions';
import type { RateLimiter } from '../throttle/rate-limiter';
import type { SignInAttempt, SignInMethod } from './attempt';
import type { SignInPipeline } from './pipeline';

export class SecondFactorSignIn {
  constructor(
    private readonly methods: readonly SecondFactorMethod[],
    private readonly challenges: SecondFactorChallenges,
    private readonly rateLimiter: RateLimiter,
    private readonly pipeline: SignInPipeline,
  ) {}

  async verify(em: EntityManager, challengeToken: string, answer: SecondFactorAnswer, client: ClientMeta): Promise<IssuedSession> {
    const challenge = await this.challenges.open(em, challengeToken);
    const { user } = challenge;
    const attempt: SignInAttempt = { method: challenge.method as SignInMethod, client, detail: { step: 'second_factor' } };
    const tickets = await this.rateLimiter.consume(['secondFactor', String(user.id)]);
    let proved: readonly string[];
    try {
      const method = await this.methodFor(em, answer, user);
      proved = await method.verify(em, user, answer, challenge);
    } catch (err) {
      if (err instanceof AppError && err.code === 'SECOND_FACTOR_INVALID') await this.challenges.fail(em, challenge);
      else await this.rateLimiter.refund(tickets);
      await this.pipeline.recordFailure(attempt, err);
      throw err;
    }
    await this.rateLimiter.refund(tickets);
    await this.challenges.claim(em, challenge);
    const amr = [...new Set([...challenge.amr, ...proved, 'mfa'])];
    return this.pipeline.complete(em, user, { ...attempt, amr });
  }

  /** The offered method the answer is for; an answer for nothing the user has counts as wrong. */
  private async methodFor(em: EntityManager, answer: SecondFactorAnswer, user: User): Promise<SecondFactorMethod> {
    const given = this.methods.filter((m) => m.answers(answer));
    if (given.length !== 1) throw badInput('code', 'Answer with exactly one of code, recoveryCode or passkeyResponse.');
    if (!(await given[0].offered(em, user))) throw codeInvalid();
    return given[0];
  }
}
