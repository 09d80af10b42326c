import { AuditEvent } from './audit-event.entity';
import { DjangoUser } from './django-user.entity';
import { OneTimeToken } from './one-time-token.entity';
import { RefreshToken } from './refresh-token.entity';
import { Session } from './session.entity';
import { SocialAccount } from './social-account.entity';
import { SocialApp } from './social-app.entity';
import { User } from './user.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEvent } from './webhook-event.entity';

export { SocialProvider } from '../social/providers/provider-id';
export type { AuditActor, AuditOutcome } from './audit-event.entity';
export type { OneTimePurpose } from './one-time-token.entity';
export type { DeliveryStatus } from './webhook-delivery.entity';
export { AuditEvent, DjangoUser, OneTimeToken, RefreshToken, Session, SocialAccount, SocialApp, User, WebhookDelivery, WebhookEndpoint, WebhookEvent };
export const ENTITIES = [
  User,
  Session,
  RefreshToken,
  OneTimeToken,
  SocialApp,
  SocialAccount,
  DjangoUser,
  WebhookEndpoint,
  WebhookEvent,
  WebhookDelivery,
  AuditEvent,
];
