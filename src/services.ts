// Everything a resolver may use, built once by createApp and handed to each
// request through the context (no globals, no container).
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Orm } from './db/orm';
import { AccountService } from './auth/accounts';
import { JwtService } from './auth/jwt';
import { PasswordHasher } from './auth/passwords';
import { SessionService } from './auth/sessions';
import { OneTimeTokenService } from './auth/one-time-tokens';
import { BackgroundTasks } from './background';
import { createMailer, type Mailer } from './mail/mailer';
import { SocialAccountService } from './auth/social-accounts';
import { SocialAuthService } from './auth/social-auth';
import { SocialProvider } from './entities/social-provider';
import { FacebookProvider } from './providers/facebook';
import { ProviderHttp } from './providers/http';
import { KakaoProvider } from './providers/kakao';
import type { ProviderRegistry } from './providers/provider';

export interface Services {
  config: Config;
  orm: Orm;
  logger: Logger;
  jwt: JwtService;
  passwords: PasswordHasher;
  accounts: AccountService;
  sessions: SessionService;
  oneTimeTokens: OneTimeTokenService;
  mailer: Mailer;
  background: BackgroundTasks;
  providers: ProviderRegistry;
  socialAuth: SocialAuthService;
  socialAccounts: SocialAccountService;
}

export function createServices(config: Config, orm: Orm, logger: Logger): Services {
  const jwt = new JwtService(config.jwt);
  const passwords = new PasswordHasher();
  const http = new ProviderHttp(config.social.httpTimeout);
  const providers: ProviderRegistry = {
    [SocialProvider.KAKAO]: new KakaoProvider(http, config.social.kakaoApiUrl),
    [SocialProvider.FACEBOOK]: new FacebookProvider(http, config.social.facebookGraphUrl),
  };
  return {
    config,
    orm,
    logger,
    jwt,
    passwords,
    accounts: new AccountService(passwords),
    sessions: new SessionService(config.jwt, jwt.hmacKey),
    oneTimeTokens: new OneTimeTokenService(jwt.hmacKey),
    mailer: createMailer(config, logger),
    background: new BackgroundTasks(logger),
    providers,
    socialAuth: new SocialAuthService(providers, logger),
    socialAccounts: new SocialAccountService(config.social.connectByEmail),
  };
}
