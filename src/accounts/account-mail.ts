// The mails of the account lifecycle: what token to issue, which link, and
// sending in the background so neither a slow nor a failing mail server
// changes the answer (or its timing) the client gets.
import type { SqlEntityManager } from '@mikro-orm/knex';
import { SocialAccount, User } from '../entities';
import { sendInBackground } from '../mail/mailer';
import { emailChangedEmail, link, passwordChangedEmail, passwordResetEmail, registrationAttemptEmail, socialAccountEmail, verificationEmail } from '../mail/templates';
import type { Services } from '../services';
import { emailKey } from './accounts';

/** Mails a verification link for the user's current email. */
export async function sendVerification(services: Services, em: SqlEntityManager, user: User): Promise<void> {
  if (!user.email) return;
  const { account } = services.config;
  const token = await services.oneTimeTokens.issue(em, user, 'email_verification', account.emailVerificationTimeout);
  const hours = Math.round(account.emailVerificationTimeout / 3600);
  sendInBackground(services.mailer, services.logger, verificationEmail(user.email, user.username, link(account.emailVerificationUrl, token), hours));
}

/**
 * Looks the email up, issues a reset token and mails it, all after the
 * answer: the caller learns nothing, not even from the time it took.
 */
export function requestPasswordReset(services: Services, email: string): void {
  services.background.run('password-reset', async () => {
    const em = services.orm.em.fork() as SqlEntityManager;
    const user = await em.findOne(User, { emailKey: emailKey(email), isActive: true }, { populate: ['password'] });
    if (!user || !user.email) return;
    const { account } = services.config;
    const token = await services.oneTimeTokens.issue(em, user, 'password_reset', account.passwordResetTimeout);
    const minutes = Math.round(account.passwordResetTimeout / 60);
    await services.mailer.send(passwordResetEmail(user.email, user.username, link(account.passwordResetUrl, token), minutes));
  });
}

/** The notice lists every way into the account, looked up after the answer. */
export function notifyPasswordChanged(services: Services, user: User): void {
  const { email, username, id } = user;
  if (!email) return;
  services.background.run('password-changed-mail', async () => {
    const linked = await services.orm.em.fork().find(SocialAccount, { user: id }, { fields: ['provider'], orderBy: { id: 'asc' } });
    const methods = ['password', ...new Set(linked.map((a) => a.provider))];
    await services.mailer.send(passwordChangedEmail(email, username, methods));
  });
}

/** Every link and unlink is told to the account: a stolen session must not add a way in silently. */
export function notifySocialAccount(services: Services, user: User, provider: string, change: 'connected' | 'disconnected'): void {
  if (user.email) sendInBackground(services.mailer, services.logger, socialAccountEmail(user.email, user.username, provider, change));
}

export function notifyEmailChanged(services: Services, user: User, oldEmail: string | null | undefined): void {
  if (oldEmail && user.email) sendInBackground(services.mailer, services.logger, emailChangedEmail(oldEmail, user.username, user.email));
}

/** Tells an address's owner that someone tried to register with it (register under mandatory verification). */
export function notifyRegistrationAttempt(services: Services, holder: User): void {
  if (holder.email) sendInBackground(services.mailer, services.logger, registrationAttemptEmail(holder.email, holder.username));
}
