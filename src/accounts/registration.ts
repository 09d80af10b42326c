// Registration. Under ACCOUNT_EMAIL_VERIFICATION=mandatory nothing is signed
// in, so whether an email already has an account can be kept from the
// caller: such a registration still makes an account (same checks, same
// hashing, the username reserved, just without the email), answers as if the
// email were its own, and the email's owner is told by mail. In the other
// modes register signs in at once, which cannot be faked: a taken email is
// refused there (BAD_USER_INPUT on `email`).
import { wrap } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Logger } from 'pino';
import { User } from '../entities';
import type { RateLimiter } from '../throttle/rate-limiter';
import { type AccountStore, emailKey, type NewAccount } from './accounts';
import { sendVerification, type VerificationDeps } from './verification';

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

export async function registerAccount(deps: RegistrationDeps, em: SqlEntityManager, input: NewAccount & { email: string }): Promise<Registration> {
  const { store, rateLimiter, logger, policy } = deps;
  const mode = policy.emailVerification;
  const { user, holder } = mode === 'mandatory' ? await store.createHidingTakenEmail(em, input) : { user: await store.create(em, input), holder: null };
  logger.info({ event: 'register', userId: user.id, emailTaken: holder !== null }, 'account created');
  if (mode === 'none') return { user, shown: user };
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
