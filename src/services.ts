// Everything a resolver may use, built once by createApp and handed to each
// request through the context (no globals, no container).
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { AccountService } from './accounts/account.service';
import { AccountMail } from './accounts/account-mail';
import { AccountStore } from './accounts/accounts';
import { PasswordHasher } from './accounts/passwords';
import { Reauthentication } from './accounts/reauth';
import { StaffAccounts } from './accounts/staff-accounts';
import { UserDirectory } from './accounts/user-directory';
import { AuditLog } from './audit/audit-log';
import { AuditQuery } from './audit/audit-query';
import { BackgroundTasks } from './background';
import type { Config } from './config';
import type { Orm } from './db/orm';
import { DeliveryWorker } from './events/delivery-worker';
import { Outbox } from './events/outbox';
import { WebhookAdmin } from './events/webhook-admin';
import { WebhookSecrets } from './events/webhook-secrets';
import { type ClientIpResolver, createClientIpResolver } from './http/client-ip';
import { createMailer, type Mailer } from './mail/mailer';
import { createMetrics, type Metrics } from './metrics';
import { JwtService } from './sessions/jwt';
import { OneTimeTokenService } from './sessions/one-time-tokens';
import { SessionService } from './sessions/sessions';
import { UserSessions } from './sessions/user-sessions';
import { AccessTokenRefresh } from './sign-in/access-refresh';
import { activityHook } from './sign-in/activity-hook';
import type { SignInHook } from './sign-in/attempt';
import { PasswordSignIn } from './sign-in/password';
import { PasswordChangeSignIn } from './sign-in/password-change';
import { SignInPipeline } from './sign-in/pipeline';
import { TokenRefresh } from './sign-in/refresh';
import { RegistrationSignIn } from './sign-in/registration';
import { SocialSignIn } from './sign-in/social';
import { SocialLinking } from './social/linking';
import { ProviderHttp } from './social/providers/http';
import { createProviders, type ProviderRegistry } from './social/providers/registry';
import { RedisReplayStore } from './social/providers/replay-store';
import { SocialAccountService } from './social/social-accounts';
import { SocialAppAdmin } from './social/social-apps';
import { SocialAuthService } from './social/social-auth';
import { RateLimiter } from './throttle/rate-limiter';
import { MemoryStore, RedisStore } from './throttle/stores';

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
  /** Creating accounts and checking passwords (also used by the CLI). */
  accountStore: AccountStore;
  /** What users do to their own accounts. */
  accounts: AccountService;
  staffAccounts: StaffAccounts;
  /** Reading other users (lists, counts, one by id) with the visibility rules. */
  users: UserDirectory;
  reauth: Reauthentication;
  sessions: SessionService;
  /** Listing and ending sessions (logout, revokeToken, revokeSession). */
  userSessions: UserSessions;
  oneTimeTokens: OneTimeTokenService;
  mailer: Mailer;
  background: BackgroundTasks;
  providers: ProviderRegistry;
  socialAuth: SocialAuthService;
  socialAccounts: SocialAccountService;
  socialLinking: SocialLinking;
  socialApps: SocialAppAdmin;
  /** The audit trail: audit.record(em, entry) adds a row to a change's unit of work. */
  audit: AuditLog;
  auditQuery: AuditQuery;
  /** Webhook events: outbox.emit(em, type, data) queues one with the change that caused it. */
  outbox: Outbox;
  webhooks: WebhookAdmin;
  /** Sends queued webhook deliveries; started and stopped by createApp. */
  deliveryWorker: DeliveryWorker;
  /** Every way in; each ends in the pipeline, the only code that starts a session. */
  signIn: {
    pipeline: SignInPipeline;
    password: PasswordSignIn;
    social: SocialSignIn;
    registration: RegistrationSignIn;
    refresh: TokenRefresh;
    passwordChange: PasswordChangeSignIn;
    /** djangorestframework-jwt's refresh of an access token (issue 18's REST endpoints). */
    accessRefresh: AccessTokenRefresh;
  };
}

/**
 * The sign-in pipeline's hooks, in order (see sign-in/attempt.ts). Second
 * factors (issue 13) register here; the activity hook (audit rows and
 * session.created, issue 16) comes last, so it records only sessions that start.
 */
const signInHooks = (activity: SignInHook): readonly SignInHook[] => [activity];

export function createServices(config: Config, orm: Orm, logger: Logger, redis: Redis | null): Services {
  const jwt = new JwtService(config.jwt);
  const metrics = createMetrics();
  const store = redis ? new RedisStore(redis, config.redisKeyPrefix) : new MemoryStore();
  const passwords = new PasswordHasher(config.passwordHashConcurrency, metrics);
  const http = new ProviderHttp(config.social.httpTimeout);
  // With several replicas an ID token must be used once across all of them.
  const providers = createProviders(config.social, http, redis ? new RedisReplayStore(redis, config.redisKeyPrefix) : undefined);
  const rateLimiter = new RateLimiter(config.rateLimits, store, metrics);
  const sessions = new SessionService(config.jwt, jwt);
  const audit = new AuditLog();
  const outbox = new Outbox();
  const webhookSecrets = new WebhookSecrets({ current: config.jwt.secretKey });
  const accountStore = new AccountStore(passwords, outbox);
  const oneTimeTokens = new OneTimeTokenService(jwt.hmacKey);
  const mailer = createMailer(config, logger);
  const background = new BackgroundTasks(logger);
  const mail = new AccountMail(mailer, background, logger, config.account);
  const reauth = new Reauthentication(rateLimiter, passwords);
  const accounts = new AccountService({
    store: accountStore,
    passwords,
    sessions,
    oneTimeTokens,
    rateLimiter,
    reauth,
    mail,
    background,
    orm,
    logger,
    audit,
    outbox,
    policy: config.account,
  });
  const socialAuth = new SocialAuthService(providers, logger, metrics);
  const socialAccounts = new SocialAccountService(config.social.connectByEmail, audit, outbox);
  const hooks = signInHooks(activityHook(orm, audit, outbox));
  const pipeline = new SignInPipeline({ sessions, rateLimiter, metrics, logger, hooks });
  const mandatory = config.account.emailVerification === 'mandatory';
  return {
    config,
    orm,
    logger,
    redis,
    metrics,
    rateLimiter,
    clientIp: createClientIpResolver(config.trustProxy),
    jwt,
    passwords,
    accountStore,
    accounts,
    staffAccounts: new StaffAccounts(accountStore, passwords, sessions, logger, audit, outbox),
    users: new UserDirectory(config.account.emailVerification),
    reauth,
    sessions,
    userSessions: new UserSessions(sessions, audit, outbox),
    oneTimeTokens,
    mailer,
    background,
    providers,
    socialAuth,
    socialAccounts,
    socialLinking: new SocialLinking(reauth, socialAuth, socialAccounts, mail, logger),
    socialApps: new SocialAppAdmin(logger, audit),
    audit,
    auditQuery: new AuditQuery(),
    outbox,
    webhooks: new WebhookAdmin(webhookSecrets, audit, { production: config.isProduction, allowPrivate: config.webhooks.allowPrivate }),
    deliveryWorker: new DeliveryWorker(orm, config.webhooks, webhookSecrets, logger),
    signIn: {
      pipeline,
      password: new PasswordSignIn(accountStore, rateLimiter, pipeline, mandatory),
      social: new SocialSignIn(socialAuth, socialAccounts, rateLimiter, pipeline),
      registration: new RegistrationSignIn(accounts, rateLimiter, pipeline, mandatory),
      refresh: new TokenRefresh(sessions, rateLimiter, metrics, logger),
      passwordChange: new PasswordChangeSignIn(accounts, pipeline),
      accessRefresh: new AccessTokenRefresh(jwt, sessions, rateLimiter),
    },
  };
}
