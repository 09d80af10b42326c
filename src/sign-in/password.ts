// Password sign-in: throttle → authenticate → the pipeline. Attempts are
// counted before any hashing, per client IP and per account (whichever of its
// names is typed; unknown names per normalised name), so the username and the
// email are not two budgets.
import type { EntityManager } from '@mikro-orm/core';
import type { AccountStore } from '../accounts/accounts';
import { usernameKey } from '../accounts/accounts';
import { AppError } from '../errors';
import type { ClientMeta, IssuedSession } from '../sessions/sessions';
import { throttleSubject } from '../throttle/client-subject';
import type { RateLimiter } from '../throttle/rate-limiter';
import type { SignInAttempt } from './attempt';
import type { SignInPipeline } from './pipeline';

export class PasswordSignIn {
  constructor(
    private readonly accounts: AccountStore,
    private readonly rateLimiter: RateLimiter,
    private readonly pipeline: SignInPipeline,
    /** ACCOUNT_EMAIL_VERIFICATION=mandatory: the right password of an unconfirmed email is EMAIL_NOT_VERIFIED. */
    private readonly requireVerifiedEmail: boolean,
  ) {}

  async signIn(em: EntityManager, login: string, password: string, client: ClientMeta): Promise<IssuedSession> {
    if (login.length > 254 || password.length > 256) throw new AppError('INVALID_CREDENTIALS');
    const tickets = await this.rateLimiter.consume(['loginIp', throttleSubject(client.ip)]);
    const found = await this.accounts.findByLogin(em, login);
    const account = found ? `user:${found.id}` : `name:${usernameKey(login.trim())}`;
    tickets.push(...(await this.rateLimiter.consume(['loginAccount', account])));
    const attempt: SignInAttempt = { method: 'password', client, tickets, clears: ['loginAccount', account], subject: found?.id };
    try {
      const user = await this.accounts.checkPassword(em, found, password, { requireVerifiedEmail: this.requireVerifiedEmail });
      return await this.pipeline.complete(em, user, attempt);
    } catch (err) {
      await this.pipeline.recordFailure(attempt, err);
      throw err;
    }
  }
}
