// The second-factor gate: the pipeline's first beforeSession hook. When any
// registered method says the user's sign-ins need a second step, and the
// attempt has not already proven one (amr with `mfa`: a passkey sign-in, a
// verified second step), the sign-in stops here with SECOND_FACTOR_REQUIRED
// and a challenge: no session, no tokens, no lastLogin. Registration and a
// password change are not gated: the first has no factors yet, the second
// happens inside a session that is already signed in.
import { AppError } from '../errors';
import type { SecondFactorChallenges } from '../second-factor/challenges';
import { needsSecondStep, type SecondFactorMethod } from '../second-factor/method';
import { amrOf, type SignInHook, type SignInStep } from './attempt';

const UNGATED = new Set(['register', 'password_change']);

export class SecondFactorGate implements SignInHook {
  readonly name = 'second-factor-gate';

  constructor(
    private readonly methods: readonly SecondFactorMethod[],
    private readonly challenges: SecondFactorChallenges,
  ) {}

  async beforeSession({ em, user, attempt }: SignInStep): Promise<void> {
    const amr = amrOf(attempt);
    if (amr.includes('mfa') || UNGATED.has(attempt.method)) return;
    if (!(await needsSecondStep(this.methods, em, user))) return;
    const { token, challenge } = await this.challenges.create(em, user, attempt.method, amr);
    const offered: SecondFactorMethod[] = [];
    for (const m of this.methods) if (await m.offered(em, user)) offered.push(m);
    const extra: Record<string, unknown> = {};
    for (const m of offered) Object.assign(extra, await m.extensions?.(em, user, challenge));
    throw new AppError('SECOND_FACTOR_REQUIRED', undefined, {
      ...extra,
      challengeToken: token,
      methods: offered.map((m) => m.kind),
      expiresAt: Math.floor(challenge.expiresAt.getTime() / 1000),
    });
  }
}
