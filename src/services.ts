// Everything a resolver may use, built once by createApp and handed to each
// request through the context (no globals, no container).
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Orm } from './db/orm';
import { AccountService } from './accounts/accounts';
import { JwtService } from './sessions/jwt';
import { PasswordHasher } from './accounts/passwords';
import { SessionService } from './sessions/sessions';
import { OneTimeTokenService } from './sessions/one-time-tokens';
import { BackgroundTasks } from './background';
import { createMailer, type Mailer } from './mail/mailer';
import { RateLimiter } from './throttle/rate-limiter';
import { MemoryStore, RedisStore } from './throttle/stores';
import { createClientIpResolver, type ClientIpResolver } from './http/client-ip';
import { createMetrics, type Metrics } from './metrics';
import { SocialAccountService } from './social/social-accounts';
import { SocialAuthService } from './social/social-auth';
import { ProviderHttp } from './social/providers/http';
import type { ProviderRegistry } from './social/providers/provider';
import { createProviders } from './social/providers/registry';
import { RedisReplayStore } from './social/providers/replay-store';

export interface Services {
  config: Config;
  orm: Orm;
  logger: Logger;
  /** Shared Redis when REDIS_URL is set (rate-limit counters). */
  redis: Redis | null;
  metrics: Metrics;
  rateLimiter: RateLimiter;
  clientIp: ClientIpResolver;
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

export function createServices(config: Config, orm: Orm, logger: Logger, redis: Redis | null): Services {
  const jwt = new JwtService(config.jwt);
  const metrics = createMetrics();
  const store = redis ? new RedisStore(redis, config.redisKeyPrefix) : new MemoryStore();
  const passwords = new PasswordHasher(config.passwordHashConcurrency, metrics);
  const http = new ProviderHttp(config.social.httpTimeout);
  // With several replicas an ID token must be used once across all of them.
  const providers = createProviders(config.social, http, redis ? new RedisReplayStore(redis, config.redisKeyPrefix) : undefined);
  return {
    config,
    orm,
    logger,
    redis,
    metrics,
    rateLimiter: new RateLimiter(config.rateLimits, store, metrics),
    clientIp: createClientIpResolver(config.trustProxy),
    jwt,
    passwords,
    accounts: new AccountService(passwords),
    sessions: new SessionService(config.jwt, jwt.hmacKey),
    oneTimeTokens: new OneTimeTokenService(jwt.hmacKey),
    mailer: createMailer(config, logger),
    background: new BackgroundTasks(logger),
    providers,
    socialAuth: new SocialAuthService(providers, logger, metrics),
    socialAccounts: new SocialAccountService(config.social.connectByEmail),
  };
}
