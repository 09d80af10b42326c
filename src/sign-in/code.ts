// Email sign-in codes, the way in: requestSignInCode mails a code to an
// active account (after the answer, so neither the answer nor its timing says
// whether the address has one), signInWithCode proves it and hands the user to
// the pipeline with method 'code' (amr otp). Requests are limited per client
// IP and per address; tries per client IP (the password's per-IP budget: one
// client guessing is one client), per address typed, and per code (5).
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { emailKey } from '../accounts/accounts';
import { PasswordHasher } from '../accounts/passwords';
import type { BackgroundTasks } from '../background';
import type { Orm } from '../db/orm';
import { SocialAccount, User } from '../entities';
import { AppError } from '../errors';
import { type Mailer, sendInBackground } from '../mail/mailer';
import { addressClaimedEmail, signInCodeEmail } from '../mail/sign-in-code';
import { needsSecondStep, type SecondFactorMethod } from '../second-factor/method';
import type { ClientMeta, IssuedSession, SessionService } from '../sessions/sessions';
import { displayName } from '../social/providers/registry';
import { throttleSubject } from '../throttle/client-subject';
import type { RateLimiter } from '../throttle/rate-limiter';
import type { SignInAttempt } from './attempt';
import type { SignInPipeline } from './pipeline';
import type { SignInCodes } from './sign-in-codes';

export interface CodeSignInDeps {
  codes: SignInCodes;
  rateLimiter: RateLimiter;
  pipeline: SignInPipeline;
  sessions: SessionService;
  mailer: Mailer;
  background: BackgroundTasks;
  orm: Orm;
  logger: Logger;
  /** An account with one of these enrolled is not claimed by a code (see signIn). */
  secondFactors: readonly SecondFactorMethod[];
}

const WRONG_CODE = 'The code is wrong, used or expired: request a new one.';

export class CodeSignIn {
  constructor(private readonly deps: CodeSignInDeps) {}

  /** Counts the request, then looks the address up and mails a code after the answer. */
  async request(email: string, client: ClientMeta): Promise<void> {
    if (email.length > 254) return;
    const { rateLimiter, background, orm, codes, mailer, logger } = this.deps;
    await rateLimiter.consume(['signInCodeIp', throttleSubject(client.ip)], ['signInCodeEmail', emailKey(email)]);
    background.run('sign-in-code', async () => {
      const em = orm.em.fork();
      const user = await em.findOne(User, { emailKey: emailKey(email), isActive: true });
      if (!user?.email || !user.emailKey) return;
      const code = await codes.issue(em, user as User & { emailKey: string });
      await mailer.send(signInCodeEmail(user.email, user.username, code, codes.lifetime));
      logger.info({ event: 'sign_in_code_sent', userId: user.id }, 'sign-in code mailed');
    });
  }

  /** A session for the address's account when `code` is its live code; INVALID_CREDENTIALS for anything else, alike. */
  async signIn(em: EntityManager, email: string, code: string, client: ClientMeta): Promise<IssuedSession> {
    if (email.length > 254 || code.length > 32) throw new AppError('INVALID_CREDENTIALS', WRONG_CODE);
    const address = emailKey(email);
    const tickets = await this.deps.rateLimiter.consume(['loginIp', throttleSubject(client.ip)], ['signInCodeTries', address]);
    const attempt: SignInAttempt = { method: 'code', client, tickets, clears: ['signInCodeTries', address] };
    try {
      const userId = await this.deps.codes.redeem(em, address, code);
      const user = userId === null ? null : await em.findOne(User, { id: userId, isActive: true }, { populate: ['password'] });
      if (!user) throw new AppError('INVALID_CREDENTIALS', WRONG_CODE);
      // The code was mailed to this very address (its hash is bound to it), so
      // the address is proven. An account with a second factor is another
      // matter: whoever enrolled it holds the account, the code alone must not
      // take that away (an inbox is not a second factor), so its address stays
      // unconfirmed and the pipeline's gate asks for the factor as usual.
      if (!user.emailVerified && !(await needsSecondStep(this.deps.secondFactors, em, user))) await this.claimAddress(em, user);
      return await this.deps.pipeline.complete(em, user, attempt);
    } catch (err) {
      await this.deps.pipeline.recordFailure(attempt, err);
      throw err;
    }
  }

  /**
   * The code is the first proof that the address is the account's. Whoever
   * registered it first need not be its owner (account pre-hijacking: a
   * stranger signs up with your address and a password of theirs, or links a
   * provider account, and waits for you to confirm it), so every way in set up
   * before is removed and every session ends; the owner is told what went.
   */
  private async claimAddress(em: EntityManager, user: User): Promise<void> {
    const hadPassword = PasswordHasher.isUsable(user.password);
    const links = await em.find(SocialAccount, { user: user.id }, { fields: ['provider'] });
    if (links.length > 0) await em.nativeDelete(SocialAccount, { user: user.id });
    await this.deps.sessions.revokeAll(em, user.id);
    // The token-version bump of a password change ends every earlier access token too.
    if (hadPassword) user.password = PasswordHasher.unusable();
    const removed = [...(hadPassword ? ['the password'] : []), ...new Set(links.map((l) => `the connected ${displayName(l.provider)} account`))];
    // Written last: should anything above fail, the next code sign-in claims the address again.
    user.emailVerified = true;
    await em.flush();
    this.deps.logger.info({ event: 'address_claimed', userId: user.id, removed: removed.length }, 'a sign-in code first proved the address');
    if (removed.length > 0 && user.email) sendInBackground(this.deps.mailer, this.deps.logger, addressClaimedEmail(user.email, user.username, removed));
  }
}
