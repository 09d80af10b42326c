// Outgoing mail. SMTP (nodemailer) when SMTP_URL is set; otherwise the
// development console backend (Django's role: the message is printed to the
// log so a developer can click the link) or, in production, nothing but a
// warning. Sending never blocks or fails the operation that asked for it.
import type { Transporter } from 'nodemailer';
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
  /** Waits for the messages being sent (shutdown must not lose them), then closes. */
  close(): Promise<void>;
}

export function createMailer(config: Config, logger: Logger): Mailer {
  const { smtpUrl, from } = config.mail;
  if (smtpUrl) {
    // nodemailer loads with the first mail, not at start-up (README, Performance → Memory).
    let transport: Transporter | undefined;
    const transporter = () => (transport ??= (require('nodemailer') as typeof import('nodemailer')).createTransport(smtpUrl));
    // sendInBackground does not wait, so the mailer keeps what is on its way:
    // test/faults/shutdown.fault.ts saw mails queued just before SIGTERM lost.
    const sending = new Set<Promise<unknown>>();
    return {
      async send(message) {
        const p = transporter().sendMail({ from, ...message });
        sending.add(p);
        try {
          await p;
        } finally {
          sending.delete(p);
        }
      },
      async close() {
        await Promise.allSettled([...sending]);
        transport?.close();
      },
    };
  }
  if (config.nodeEnv !== 'production') {
    return {
      async send(message) {
        // Development only: the body holds single-use links, printed on purpose.
        logger.info({ mail: { from, to: message.to, subject: message.subject }, body: message.text }, 'email (console backend; set SMTP_URL to send)');
      },
      close: async () => undefined,
    };
  }
  return {
    async send(message) {
      logger.warn({ mail: { subject: message.subject } }, 'email not sent: SMTP_URL is not configured');
    },
    close: async () => undefined,
  };
}

/** Sends without making the caller wait or fail; failures are logged without the body. */
export function sendInBackground(mailer: Mailer, logger: Logger, message: MailMessage): void {
  mailer.send(message).catch((err: unknown) => {
    logger.error({ err: err instanceof Error ? err.message : String(err), subject: message.subject }, 'sending email failed');
  });
}
