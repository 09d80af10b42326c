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
import { deriveKey } from './crypto/derive-key';
import type { Orm } from './db/orm';
import { DeliveryWorker } from './events/delivery-worker';
import { Outbox } from './events/outbox';
import { WebhookAdmin } from './events/webhook-admin';
import { WebhookSecrets } from './events/webhook-secrets';
import { type ClientIpResolver, createClientIpResolver } from './http/client-ip';
import { createMailer, type Mailer } from './mail/mailer';
import { createMetrics, type Metrics } from './metrics';
import { SecondFactorChallenges } from './second-factor/challenges';
import { SecondFactorChanges } from './second-factor/changes';
import type { SecondFactorMethod } from './second-factor/method';
import { SecondFactorNotices } from './second-factor/notices';
import { SecondFactorOverview } from './second-factor/overview';
import { PasskeyMethod } from './second-factor/passkey-method';
import { PasskeyService } from './second-factor/passkeys';
import { RecoveryCodeMethod } from './second-factor/recovery-code-method';
import { RecoveryCodeStore } from './second-factor/recovery-code-store';
import { RelyingParty } from './second-factor/relying-party';
import { TotpFactors } from './second-factor/totp-factors';
import { TotpMethod } from './second-factor/totp-method';
import { TotpSettings } from './second-factor/totp-settings';
import { JwtService } from './sessions/jwt';
import { OneTimeTokenService } from './sessions/one-time-tokens';
import { SessionService } from './sessions/sessions';
import { UserSessions } from './sessions/user-sessions';
import { AccessTokenRefresh } from './sign-in/access-refresh';
import { activityHook } from './sign-in/activity-hook';
import type { SignInHook } from './sign-in/attempt';
import { CodeSignIn } from './sign-in/code';
import { PasskeySignIn } from './sign-in/passkey';
import { PasswordSignIn } from './sign-in/password';
import { PasswordChangeSignIn } from './sign-in/password-change';
import { SignInPipeline } from './sign-in/pipeline';
import { TokenRefresh } from './sign-in/refresh';
import { RegistrationSignIn } from './sign-in/registration';
import { SecondFactorSignIn } from './sign-in/second-factor';
import { SecondFactorGate } from './sign-in/second-factor-gate';
import { SignInCodes } from './sign-in/sign-in-codes';
import { SocialSignIn } from './sign-in/social';
import { AppleNotifications } from './social/apple-notifications';
import { AppleSecrets } from './social/apple-secrets';
import { AppleTokens } from './social/apple-tokens';
import { SocialLinking } from './social/linking';
import { AppleNotificationVerifier } from './social/providers/apple-notification';
import { AppleRest } from './social/providers/apple-rest';
import { ProviderHttp } from './social/providers/http';
import { JwksCache } from './social/providers/jwks';
import { createProviders, type ProviderRegistry } from './social/providers/registry';
import { RedisReplayStore } from './social/providers/replay-store';
import { withoutDisabledRelays } from './social/relay-mail';
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
  secondFactors: {
    /** SECOND_FACTOR_METHODS: what the gate asks and verifySecondFactor answers with. */
    methods: readonly SecondFactorMethod[];
    totp: TotpSettings;
    overview: SecondFactorOverview;
  };
  /** WEBAUTHN_*: the relying party passkeys are made for. */
  relyingParty: RelyingParty;
  /** A user's own passkeys: registration, listing, removal. */
  passkeys: PasskeyService;
  /** Apple refresh tokens: code exchange and revocation with retries (issue 17). */
  appleTokens: AppleTokens;
  /** POST /social/apple/notifications. */
  appleNotifications: AppleNotifications;
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
    passkey: PasskeySignIn;
    /** Email sign-in codes (requestSignInCode, signInWithCode). */
    code: CodeSignIn;
    /** verifySecondFactor: the second step of a sign-in the gate stopped. */
    secondFactor: SecondFactorSignIn;
  };
}

/**
 * The sign-in pipeline's hooks, in order (see sign-in/attempt.ts): the
 * second-factor gate first (it may stop the sign-in before anything is
 * written), the activity hook (audit rows and session.created, issue 16)
 * last, so it records only sessions that start.
 */
const signInHooks = (gate: SignInHook, activity: SignInHook): readonly SignInHook[] => [gate, activity];

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
  const webhookSecrets = new WebhookSecrets(config.secondFactor.masterSecrets);
  const accountStore = new AccountStore(passwords, outbox);
  const oneTimeTokens = new OneTimeTokenService(jwt.hmacKey);
  // Nothing is mailed to an Apple relay address that Apple said forwards nothing.
  const mailer = withoutDisabledRelays(createMailer(config, logger), orm, logger);
  const background = new BackgroundTasks(logger);
  const mail = new AccountMail(mailer, background, logger, config.account);
  const reauth = new Reauthentication(rateLimiter, passwords);
  // Apple's secrets at rest are sealed under keys derived from ENCRYPTION_KEY (else JWT_SECRET_KEY), as the TOTP secrets are.
  const appleSecrets = new AppleSecrets(config.secondFactor.masterSecrets);
  const appleRest = new AppleRest(http, config.social.appleApiUrl, config.apple.clientSecretLifetime);
  const appleTokens = new AppleTokens(appleRest, appleSecrets, orm, background, logger, {
    attempts: config.apple.revokeAttempts,
    backoff: config.apple.revokeBackoff,
  });
  const jwksTiming = { ttl: config.social.jwksCacheTtl, minRefetchInterval: config.social.jwksMinRefetchInterval };
  const appleNotifications = new AppleNotifications(
    new AppleNotificationVerifier(new JwksCache(http, 'apple notification jwks', config.social.appleJwksUrl, jwksTiming)),
    sessions,
    logger,
    config.apple.deleteOnAccountDelete,
    audit,
    outbox,
  );
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
    deletion: appleTokens,
  });
  const socialAuth = new SocialAuthService(providers, logger, metrics, appleTokens);
  const socialAccounts = new SocialAccountService(config.social.connectByEmail, audit, outbox);
  const secrets = config.secondFactor.masterSecrets;
  const notices = new SecondFactorNotices(mailer, logger);
  const totpFactors = new TotpFactors(secrets);
  const recoveryCodes = new RecoveryCodeStore(secrets);
  const recovery = new RecoveryCodeMethod(recoveryCodes, notices);
  const relyingParty = new RelyingParty(config.webauthn, config.jwt.secretKey);
  // The second factors, in the order extensions.methods lists them.
  const SECOND_FACTOR_METHODS: readonly SecondFactorMethod[] = [new TotpMethod(totpFactors), recovery, new PasskeyMethod(relyingParty, logger)];
  const challenges = new SecondFactorChallenges();
  const gate = new SecondFactorGate(SECOND_FACTOR_METHODS, challenges);
  const hooks = signInHooks(gate, activityHook(orm, audit, outbox));
  const pipeline = new SignInPipeline({ sessions, rateLimiter, metrics, logger, hooks });
  const mandatory = config.account.emailVerification === 'mandatory';
  const changes = new SecondFactorChanges(audit, outbox);
  const passkeys = new PasskeyService(relyingParty, reauth, mail, logger, changes);
  const codes = new SignInCodes(deriveKey(config.jwt.secretKey, 'sign-in-code'), config.account.signInCodeTimeout);
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
    staffAccounts: new StaffAccounts(accountStore, passwords, sessions, logger, audit, outbox, appleTokens),
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
    secondFactors: {
      methods: SECOND_FACTOR_METHODS,
      totp: new TotpSettings({
        changes,
        factors: totpFactors,
        codes: recoveryCodes,
        recovery,
        reauth,
        sessions,
        rateLimiter,
        notices,
        issuer: config.secondFactor.totpIssuer,
      }),
      overview: new SecondFactorOverview(SECOND_FACTOR_METHODS, totpFactors, recoveryCodes, challenges, notices, changes, async (em, user) =>
        (await passkeys.list(em, user)).map((p) => ({ id: String(p.id), name: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt })),
      ),
    },
    relyingParty,
    passkeys,
    socialLinking: new SocialLinking(reauth, socialAuth, socialAccounts, mail, logger, appleTokens),
    socialApps: new SocialAppAdmin(logger, audit, appleSecrets.sealPrivateKey),
    appleTokens,
    appleNotifications,
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
      code: new CodeSignIn({ codes, rateLimiter, pipeline, sessions, mailer, background, orm, logger, secondFactors: SECOND_FACTOR_METHODS }),
      secondFactor: new SecondFactorSignIn(SECOND_FACTOR_METHODS, challenges, rateLimiter, pipeline),
      passkey: new PasskeySignIn(relyingParty, accountStore, rateLimiter, pipeline, logger, mandatory),
    },
  };
}
