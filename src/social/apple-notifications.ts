// What authql does with Apple's server-to-server notifications, once the
// signed payload held (providers/apple-notification.ts):
// - consent-revoked, account-delete: the Apple account is unlinked and every
//   session of its user ends; with APPLE_DELETE_ON_ACCOUNT_DELETE, an
//   account-delete for a user whom Apple was the only way in deletes the user;
// - email-disabled / email-enabled: whether the relay address forwards mail
//   (relay-mail.ts then mails nothing to a disabled one);
// - anything else is acknowledged and ignored.
// Every event is idempotent: an Apple user we do not (or no longer) know is
// acknowledged too, so Apple's redelivery of a handled event changes nothing.
import { type EntityManager, LockMode } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { PasswordHasher } from '../accounts/passwords';
import type { AuditLog } from '../audit/audit-log';
import { SocialAccount, SocialApp, SocialProvider, User } from '../entities';
import type { Outbox } from '../events/outbox';
import type { SessionService } from '../sessions/sessions';
import type { AppleEvent, AppleNotificationVerifier } from './providers/apple-notification';
import { asRecord, asString, ProviderFailure } from './providers/provider';

export type NotificationOutcome = 'unlinked' | 'user_deleted' | 'email_disabled' | 'email_enabled' | 'ignored' | 'unknown_account';

/** The payload is at most a few KB; the route caps the body before this. */
const PAYLOAD_MAX = 16 * 1024;

export class AppleNotifications {
  constructor(
    private readonly verifier: AppleNotificationVerifier,
    private readonly sessions: SessionService,
    private readonly logger: Logger,
    private readonly deleteOnAccountDelete: boolean,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
  ) {}

  /** Throws ProviderFailure when the notification is not Apple's, for our app (or cannot be checked now). */
  async receive(em: EntityManager, body: unknown): Promise<NotificationOutcome> {
    const payload = asString(asRecord(body)?.payload);
    if (!payload || payload.length > PAYLOAD_MAX) throw new ProviderFailure('TOKEN_REJECTED', 'apple notification: no payload');
    const app = await em.findOne(SocialApp, { provider: SocialProvider.APPLE });
    if (!app) throw new ProviderFailure('PROVIDER_NOT_CONFIGURED', 'apple notification: no SocialApp registered');
    const event = await this.verifier.verify(payload, app);
    const outcome = await this.handle(em, event);
    this.logger.info({ event: 'apple_notification', type: event.type.slice(0, 40), notification: event.id, outcome }, 'Apple notification handled');
    return outcome;
  }

  private handle(em: EntityManager, event: AppleEvent): Promise<NotificationOutcome> {
    switch (event.type) {
      case 'consent-revoked':
      case 'account-delete':
      case 'account-deleted': // spelled so in some of Apple's material
        return this.unlink(em, event.sub, event.type !== 'consent-revoked');
      case 'email-disabled':
      case 'email-enabled':
        return this.relay(em, event, event.type === 'email-enabled');
      default:
        return Promise.resolve('ignored');
    }
  }

  private unlink(em: EntityManager, sub: string, accountDeleted: boolean): Promise<NotificationOutcome> {
    return em.transactional(async (tx) => {
      const account = await tx.findOne(SocialAccount, { provider: SocialProvider.APPLE, uid: sub });
      if (!account) return 'unknown_account';
      const userId = account.user.id;
      const user = await tx.findOneOrFail(User, userId, { populate: ['password'], lockMode: LockMode.PESSIMISTIC_WRITE });
      const others = await tx.count(SocialAccount, { user: userId, id: { $ne: account.id } });
      if (accountDeleted && this.deleteOnAccountDelete && others === 0 && !PasswordHasher.isUsable(user.password)) {
        // Apple acts, so the rows name no actor: the scope's `system`.
        this.audit.record(tx, { action: 'provider.user_deleted', userId, detail: { provider: 'apple' } });
        await this.outbox.emit(tx, 'user.deleted', { userId: String(userId) });
        await tx.nativeDelete(User, { id: userId });
        this.logger.info({ event: 'account_deleted', userId, by: 'apple' }, 'account deleted: its Apple account was deleted');
        return 'user_deleted';
      }
      // Apple revoked the tokens itself: there is nothing left to revoke, only to forget.
      this.audit.record(tx, { action: 'social_account.unlinked', userId, detail: { provider: 'apple', by: 'apple' } });
      await this.outbox.emit(tx, 'social_account.unlinked', { userId: String(userId), provider: SocialProvider.APPLE });
      await this.outbox.emit(tx, 'session.revoked', { userId: String(userId), sessionId: null, all: true });
      await tx.remove(account).flush();
      await this.sessions.revokeAll(tx, userId);
      return 'unlinked';
    });
  }

  private async relay(em: EntityManager, event: AppleEvent, enabled: boolean): Promise<NotificationOutcome> {
    const account = await em.findOne(SocialAccount, { provider: SocialProvider.APPLE, uid: event.sub });
    if (!account) return 'unknown_account';
    account.relayEmailEnabled = enabled;
    if (event.email && event.isPrivateEmail) account.relayEmail = event.email;
    await em.flush();
    return enabled ? 'email_enabled' : 'email_disabled';
  }
}
