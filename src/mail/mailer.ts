// Outgoing mail. SMTP (nodemailer) when SMTP_URL is set; otherwise the
// development console backend (Django's role: the message is printed to the
// log so a developer can click the link) or, in production, nothing but a
// warning. Sending never blocks or fails the operation that asked for it.
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function createMailer(config: Config, logger: Logger): Mailer {
  const { smtpUrl, from } = config.mail;
  if (smtpUrl) {
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      async send(message) {
        await transport.sendMail({ from, ...message });
      },
      close: () => transport.close(),
    };
  }
  if (config.nodeEnv !== 'production') {
    return {
      async send(message) {
        // Development only: the body holds single-use links, printed on purpose.
        logger.info({ mail: { from, to: message.to, subject: message.subject }, body: message.text }, 'email (console backend; set SMTP_URL to send)');
      },
      close: () => undefined,
    };
  }
  return {
    async send(message) {
      logger.warn({ mail: { subject: message.subject } }, 'email not sent: SMTP_URL is not configured');
    },
    close: () => undefined,
  };
}

/** Sends without making the caller wait or fail; failures are logged without the body. */
export function sendInBackground(mailer: Mailer, logger: Logger, message: MailMessage): void {
  mailer.send(message).catch((err: unknown) => {
    logger.error({ err: err instanceof Error ? err.message : String(err), subject: message.subject }, 'sending email failed');
  });
}
