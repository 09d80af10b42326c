import { AuditEvent } from './audit-event.entity';
import { DjangoUser } from './django-user.entity';
import { OneTimeToken } from './one-time-token.entity';
import { Passkey } from './passkey.entity';
import { RecoveryCode } from './recovery-code.entity';
import { RefreshToken } from './refresh-token.entity';
import { SecondFactorChallenge } from './second-factor-challenge.entity';
import { Session } from './session.entity';
import { SignInCode } from './sign-in-code.entity';
import { SocialAccount } from './social-account.entity';
import { SocialApp } from './social-app.entity';
import { TotpFactor } from './totp-factor.entity';
import { User } from './user.entity';
import { WebAuthnChallenge } from './webauthn-challenge.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEvent } from './webhook-event.entity';

export { SocialProvider } from '../social/providers/provider-id';
export type { AuditActor, AuditOutcome } from './audit-event.entity';
export type { OneTimePurpose } from './one-time-token.entity';
export type { WebAuthnPurpose } from './webauthn-challenge.entity';
export type { DeliveryStatus } from './webhook-delivery.entity';
export {
  AuditEvent,
  DjangoUser,
  OneTimeToken,
  Passkey,
  RecoveryCode,
  RefreshToken,
  SecondFactorChallenge,
  Session,
  SignInCode,
  SocialAccount,
  SocialApp,
  TotpFactor,
  User,
  WebAuthnChallenge,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEvent,
};
export const ENTITIES = [
  User,
  Session,
  RefreshToken,
  OneTimeToken,
  SocialApp,
  SocialAccount,
  DjangoUser,
  SignInCode,
  TotpFactor,
  RecoveryCode,
  SecondFactorChallenge,
  Passkey,
  WebAuthnChallenge,
  WebhookEndpoint,
  WebhookEvent,
  WebhookDelivery,
  AuditEvent,
];
