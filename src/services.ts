// Everything a resolver may use, built once by createApp and handed to each
// request through the context (no globals, no container).
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Orm } from './db/orm';
import { AccountService } from './auth/accounts';
import { JwtService } from './auth/jwt';
import { PasswordHasher } from './auth/passwords';
import { SessionService } from './auth/sessions';

export interface Services {
  config: Config;
  orm: Orm;
  logger: Logger;
  jwt: JwtService;
  passwords: PasswordHasher;
  accounts: AccountService;
  sessions: SessionService;
}

export function createServices(config: Config, orm: Orm, logger: Logger): Services {
  const jwt = new JwtService(config.jwt);
  const passwords = new PasswordHasher();
  return {
    config,
    orm,
    logger,
    jwt,
    passwords,
    accounts: new AccountService(passwords),
    sessions: new SessionService(config.jwt, jwt.hmacKey),
  };
}
