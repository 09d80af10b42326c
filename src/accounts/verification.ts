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

/** Mails a verification link for the user's current email (none without one). */
export async function sendVerification(deps: VerificationDeps, em: SqlEntityManager, user: User): Promise<void> {
  if (!user.email) return;
  const token = await deps.oneTimeTokens.issue(em, user, 'email_verification', deps.policy.emailVerificationTimeout);
  deps.mail.verification(user as User & { email: string }, token);
}
