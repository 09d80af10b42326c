// Apple's private relay forwards mail only while the user lets it: after an
// `email-disabled` notification nothing sent to the address reaches anyone,
// so authql sends nothing to it (a message that cannot arrive only makes the
// sender look like spam to Apple). Every mail goes through this one check.
import type { Logger } from 'pino';
import type { Orm } from '../db/orm';
import { SocialAccount, SocialProvider } from '../entities';
import type { Mailer, MailMessage } from '../mail/mailer';
import { isRelayAddress } from './providers/apple';

export function withoutDisabledRelays(inner: Mailer, orm: Orm, logger: Logger): Mailer {
  return {
    async send(message: MailMessage) {
      if (isRelayAddress(message.to)) {
        const disabled = await orm.em.fork().count(SocialAccount, { provider: SocialProvider.APPLE, relayEmail: message.to, relayEmailEnabled: false });
        if (disabled > 0) {
          logger.info({ event: 'mail_skipped', reason: 'relay_disabled', subject: message.subject }, 'mail not sent: the Apple relay address forwards nothing');
          return;
        }
      }
      await inner.send(message);
    },
    close: () => inner.close(),
  };
}
