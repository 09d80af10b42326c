// Registration. Under ACCOUNT_EMAIL_VERIFICATION=mandatory nothing is signed
// in, so whether an email already has an account can be kept from the
// caller: such a registration still makes an account (same checks, same
// hashing, the username reserved, just without the email), answers as if the
// email were its own, and the email's owner is told by mail. In the other
// modes register signs in at once, which cannot be faked: a taken email is
// refused there (BAD_USER_INPUT on `email`).
import { type EntityManager, wrap } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Logger } from 'pino';
import { User } from '../entities';
import type { RateLimiter } from '../throttle/rate-limiter';
import { type AccountStore, emailKey, type NewAccount } from './accounts';
import { issueVerification, mailVerification, sendVerification, type VerificationDeps } from './verification';

export interface Registration {
  /** The account made (managed). */
  user: User;
  /** What the answer shows: the account, with the email as typed. */
  shown: User;
}

export interface RegistrationDeps extends VerificationDeps {
  store: AccountStore;
  rateLimiter: RateLimiter;
  logger: Logger;
  policy: VerificationDeps['policy'] & { emailVerification: 'none' | 'optional' | 'mandatory' };
}

/**
 * `signIn` (not under mandatory verification) runs inside the account's own
 * transaction, with the verification token: the account, its token and its
 * first session commit together or not at all, so a registration that answers
 * an error (a full disk, a lost database) has left nothing behind.
 */
export async function registerAccount(
  deps: RegistrationDeps,
  em: SqlEntityManager,
  input: NewAccount & { email: string },
  signIn?: (tx: EntityManager, user: User) => Promise<void>,
): Promise<Registration> {
  const { store, rateLimiter, logger, policy } = deps;
  const mode = policy.emailVerification;
  if (mode !== 'mandatory') {
    // Every mail to the address counts toward its budget; over it, the mail is skipped.
    const mailAllowed = mode === 'optional' && (await rateLimiter.allow('mailAddress', emailKey(input.email)));
    let token: string | null = null;
    const written = async (tx: EntityManager, created: User) => {
      await input.written?.(tx, created);
      if (mailAllowed) token = await issueVerification(deps, tx as SqlEntityManager, created);
      await signIn?.(tx, created);
    };
    const user = await store.create(em, { ...input, written });
    logger.info({ event: 'register', userId: user.id, emailTaken: false }, 'account created');
    mailVerification(deps, user, token);
    return { user, shown: user };
  }
  const { user, holder } = await store.createHidingTakenEmail(em, input);
  logger.info({ event: 'register', userId: user.id, emailTaken: holder !== null }, 'account created');
  // Every mail to the address counts toward its budget, but register cannot
  // say RATE_LIMITED for it (that would tell a taken email apart): over it, the mail is skipped.
  const mailAllowed = await rateLimiter.allow('mailAddress', emailKey(input.email));
  if (!holder) {
    if (mailAllowed) await sendVerification(deps, em, user);
    return { user, shown: user };
  }
  if (mailAllowed) deps.mail.registrationAttempt(holder);
  // A detached copy, so nothing can ever write the holder's email to this row.
  const shown = Object.assign(Object.create(User.prototype) as User, wrap(user).toObject(), { email: input.email });
  return { user, shown };
}
