import { DjangoUser } from './django-user.entity';
import { OneTimeToken } from './one-time-token.entity';
import { RecoveryCode } from './recovery-code.entity';
import { RefreshToken } from './refresh-token.entity';
import { SecondFactorChallenge } from './second-factor-challenge.entity';
import { Session } from './session.entity';
import { SignInCode } from './sign-in-code.entity';
import { SocialAccount } from './social-account.entity';
import { SocialApp } from './social-app.entity';
import { TotpFactor } from './totp-factor.entity';
import { User } from './user.entity';

export { SocialProvider } from '../social/providers/provider-id';
export type { OneTimePurpose } from './one-time-token.entity';
export { DjangoUser, OneTimeToken, RecoveryCode, RefreshToken, SecondFactorChallenge, Session, SignInCode, SocialAccount, SocialApp, TotpFactor, User };
export const ENTITIES = [User, Session, RefreshToken, OneTimeToken, SocialApp, SocialAccount, DjangoUser, SignInCode, TotpFactor, RecoveryCode, SecondFactorChallenge];
