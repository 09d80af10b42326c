// The mails of the account lifecycle, sent so that neither a slow nor a
// failing mail server changes the answer (or its timing) the client gets:
// fire-and-forget, or inside a tracked background task that shutdown waits for.
// Which mail goes out when is the account service's call; this only writes them.
import type { Logger } from 'pino';
import type { BackgroundTasks } from '../background';
import type { Config } from '../config/types';
import type { User } from '../entities';
import { type Mailer, sendInBackground } from '../mail/mailer';
import {
  emailChangedEmail,
  link,
  passkeyEmail,
  passwordChangedEmail,
  passwordResetEmail,
  registrationAttemptEmail,
  socialAccountEmail,
  verificationEmail,
} from '../mail/templates';

export type MailLinks = Pick<Config['account'], 'emailVerificationUrl' | 'emailVerificationTimeout' | 'passwordResetUrl' | 'passwordResetTimeout'>;

export class AccountMail {
  constructor(
    private readonly mailer: Mailer,
    private readonly background: BackgroundTasks,
    private readonly logger: Logger,
    private readonly links: MailLinks,
  ) {}

  /** A verification link for the user's current email. */
  verification(user: User & { email: string }, token: string): void {
    const hours = Math.round(this.links.emailVerificationTimeout / 3600);
    this.send(verificationEmail(user.email, user.username, link(this.links.emailVerificationUrl, token), hours));
  }

  /** Awaited: it is sent from inside the reset's own background task. */
  passwordReset(user: User & { email: string }, token: string): Promise<void> {
    const minutes = Math.round(this.links.passwordResetTimeout / 60);
    return this.mailer.send(passwordResetEmail(user.email, user.username, link(this.links.passwordResetUrl, token, user.id), minutes));
  }

  /** The notice lists every way into the account (`methods`: `password` and provider names, looked up after the answer), so a stranger's link stands out. */
  passwordChanged(user: User, methods: () => Promise<string[]>): void {
    const { email, username } = user;
    if (!email) return;
    this.background.run('password-changed-mail', async () => {
      await this.mailer.send(passwordChangedEmail(email, username, await methods()));
    });
  }

  /** Every link and unlink is told to the account: a stolen session must not add a way in silently. */
  socialAccount(user: User, providerName: string, change: 'connected' | 'disconnected'): void {
    if (user.email) this.send(socialAccountEmail(user.email, user.username, providerName, change));
  }

  /** Passkeys added and removed, for the same reason. */
  passkey(user: User, name: string, change: 'added' | 'removed'): void {
    if (user.email) this.send(passkeyEmail(user.email, user.username, name, change));
  }

  emailChanged(user: User, oldEmail: string | null | undefined): void {
    if (oldEmail && user.email) this.send(emailChangedEmail(oldEmail, user.username, user.email));
  }

  /** Tells an address's owner that someone tried to register with it (register under mandatory verification). */
  registrationAttempt(holder: User): void {
    if (holder.email) this.send(registrationAttemptEmail(holder.email, holder.username));
  }

  private send(message: Parameters<Mailer['send']>[0]): void {
    sendInBackground(this.mailer, this.logger, message);
  }
}
