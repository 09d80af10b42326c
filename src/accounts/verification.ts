// Issuing and mailing an email-verification link: after registration, after
// an email change, and on request.
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { User } from '../entities';
import type { OneTimeTokenService } from '../sessions/one-time-tokens';
import type { AccountMail, MailLinks } from './account-mail';

export interface VerificationDeps {
  oneTimeTokens: OneTimeTokenService;
  mail: AccountMail;
  policy: Pick<MailLinks, 'emailVerificationTimeout'>;
}

/** The verification token for the user's current email (null without one); mail it with mailVerification once it is written. */
export async function issueVerification(deps: VerificationDeps, em: SqlEntityManager, user: User): Promise<string | null> {
  return user.email ? deps.oneTimeTokens.issue(em, user, 'email_verification', deps.policy.emailVerificationTimeout) : null;
}

export function mailVerification(deps: VerificationDeps, user: User, token: string | null): void {
  if (token && user.email) deps.mail.verification(user as User & { email: string }, token);
}

/** Mails a verification link for the user's current email (none without one). */
export async function sendVerification(deps: VerificationDeps, em: SqlEntityManager, user: User): Promise<void> {
  mailVerification(deps, user, await issueVerification(deps, em, user));
}
