// The only reader of the environment. loadConfig() turns an env-like record
// into a typed, frozen Config and reports every problem at once, so an
// operator fixes a bad deployment in one go instead of one crash at a time.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { djangoCompatProblems, readDjangoCompat } from './config/django-compat';
import { issuerProblems } from './config/issuer';
import { productionProblems } from './config/production';
import { Reader } from './config/reader';
import { readSecondFactor } from './config/second-factor';
import type { Config, Env, NodeEnv } from './config/types';
import { readWebAuthn } from './config/webauthn';
import { databaseUrlProblems } from './db/database-url';
import { trustProxyProblems } from './net/trusted-proxies';
import { JWT_ALGORITHMS, type JwtAlgorithm, keyProblems } from './sessions/keys';
import { MAX_CLIENT_SECRET_LIFETIME } from './social/providers/apple-rest';
import { endpointKey } from './social/providers/descriptor';
import { PROVIDERS } from './social/providers/registry';

export * from './config/types';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const DAY = 24 * 60 * 60;
const MIN_SECRET_BYTES = 32;

/**
 * Password hashes at once by default: one fewer than the cores, at least 1,
 * at most 3. A core stays for the event loop, which serves every other
 * request: with a hash on every core, a login storm took the loop's CPU and
 * verifyToken's p99 rose 8-fold (README, Performance). At most 3, so one of
 * libuv's four pool threads stays free for file and DNS work.
 */
export function defaultHashConcurrency(cores: number): number {
  return Math.max(1, Math.min(cores - 1, 3));
}

export function loadConfig(env: Env, opts: { cwd?: string } = {}): Config {
  const r = new Reader(env);
  const cwd = opts.cwd ?? process.cwd();
  const nodeEnv = r.oneOf<NodeEnv>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const isProduction = nodeEnv === 'production';
  const dataDir = resolve(cwd, r.str('DATA_DIR', 'data'));
  const algorithm = r.oneOf<JwtAlgorithm>('JWT_ALGORITHM', JWT_ALGORITHMS, 'HS256');

  let secretKey = r.str('JWT_SECRET_KEY');
  let secretGenerated = false;
  if (secretKey === undefined) {
    if (isProduction) r.problems.push('JWT_SECRET_KEY is required in production');
    else ({ secretKey, secretGenerated } = { secretKey: developmentSecret(dataDir), secretGenerated: true });
  } else if (Buffer.byteLength(secretKey) < MIN_SECRET_BYTES) {
    r.problems.push(`JWT_SECRET_KEY must be at least ${MIN_SECRET_BYTES} bytes`);
  }

  const expirationDelta = r.int('JWT_EXPIRATION_DELTA', 300, 1, 30 * DAY);
  const refreshExpirationDelta = r.int('JWT_REFRESH_EXPIRATION_DELTA', 7 * DAY, 1, 365 * DAY);
  const prefix = r.str('JWT_AUTH_HEADER_PREFIX', 'JWT');
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(prefix)) r.problems.push('JWT_AUTH_HEADER_PREFIX must be one word');

  const config: Config = {
    nodeEnv,
    isProduction,
    host: r.str('HOST', isProduction ? '0.0.0.0' : '127.0.0.1'),
    port: r.int('PORT', 4000, 0, 65535),
    databaseUrl: r.str('DATABASE_URL', `sqlite:${resolve(dataDir, 'authql.sqlite')}`),
    databasePoolMax: r.int('DATABASE_POOL_MAX', 10, 1, 500),
    autoMigrate: r.bool('AUTO_MIGRATE', true),
    dataDir,
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], nodeEnv === 'test' ? 'silent' : 'info'),
    logFormat: r.oneOf('LOG_FORMAT', ['auto', 'json', 'pretty'] as const, 'auto'),
    jwt: {
      secretKey: secretKey ?? '',
      secretGenerated,
      algorithm,
      privateKey: pemFrom(r, 'JWT_PRIVATE_KEY'),
      publicKey: pemFrom(r, 'JWT_PUBLIC_KEY'),
      previousPublicKeys: pemListFrom(r, 'JWT_PREVIOUS_PUBLIC_KEYS'),
      expirationDelta,
      allowRefresh: r.bool('JWT_ALLOW_REFRESH', true),
      refreshExpirationDelta,
      refreshReuseInterval: r.int('JWT_REFRESH_REUSE_INTERVAL', 10, 0, 300),
      refreshRetryWindow: r.int('JWT_REFRESH_RETRY_WINDOW', 300, 0, 86400),
      authHeaderPrefix: prefix,
      issuer: r.str('JWT_ISSUER'),
      audience: r.str('JWT_AUDIENCE'),
      leeway: r.int('JWT_LEEWAY', 0, 0, 300),
    },
    graphql: {
      introspection: r.bool('GRAPHQL_INTROSPECTION', !isProduction),
      graphiql: r.bool('GRAPHIQL', nodeEnv === 'development'),
      maxBodyBytes: r.int('GRAPHQL_MAX_BODY_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
      maxDepth: r.int('GRAPHQL_MAX_DEPTH', 10, 2, 100),
      maxAliases: r.int('GRAPHQL_MAX_ALIASES', 15, 0, 1000),
      maxTokens: r.int('GRAPHQL_MAX_TOKENS', 2000, 100, 100000),
      maxSelectionFields: r.int('GRAPHQL_MAX_SELECTION_FIELDS', 60, 5, 1000),
      maxCost: r.int('GRAPHQL_MAX_COST', 3000, 10, 100000),
    },
    rateLimits: {
      loginAccount: r.rate('RATE_LIMIT_LOGIN_ACCOUNT', { limit: 5, window: 300 }),
      loginIp: r.rate('RATE_LIMIT_LOGIN_IP', { limit: 20, window: 60 }),
      register: r.rate('RATE_LIMIT_REGISTER', { limit: 30, window: 3600 }),
      passwordResetIp: r.rate('RATE_LIMIT_PASSWORD_RESET_IP', { limit: 20, window: 900 }),
      passwordResetEmail: r.rate('RATE_LIMIT_PASSWORD_RESET_EMAIL', { limit: 3, window: 900 }),
      social: r.rate('RATE_LIMIT_SOCIAL', { limit: 60, window: 60 }),
      refresh: r.rate('RATE_LIMIT_REFRESH', { limit: 300, window: 60 }),
      reauth: r.rate('RATE_LIMIT_REAUTH', { limit: 5, window: 300 }),
      secondFactor: r.rate('RATE_LIMIT_SECOND_FACTOR', { limit: 10, window: 900 }),
      mailUser: r.rate('RATE_LIMIT_MAIL_USER', { limit: 3, window: 600 }),
      mailAddress: r.rate('RATE_LIMIT_MAIL_ADDRESS', { limit: 5, window: 3600 }),
      passkeyOptions: r.rate('RATE_LIMIT_PASSKEY_OPTIONS', { limit: 30, window: 60 }),
      signInCodeEmail: r.rate('RATE_LIMIT_SIGN_IN_CODE_EMAIL', { limit: 3, window: 900 }),
      signInCodeIp: r.rate('RATE_LIMIT_SIGN_IN_CODE_IP', { limit: 20, window: 900 }),
      signInCodeTries: r.rate('RATE_LIMIT_SIGN_IN_CODE_TRIES', { limit: 10, window: 3600 }),
    },
    account: {
      emailVerification: r.oneOf('ACCOUNT_EMAIL_VERIFICATION', ['none', 'optional', 'mandatory'] as const, 'optional'),
      passwordResetTimeout: r.int('PASSWORD_RESET_TIMEOUT', 3600, 60, 7 * DAY),
      emailVerificationTimeout: r.int('EMAIL_VERIFICATION_TIMEOUT', 3 * DAY, 60, 30 * DAY),
      // A code of 6 digits must not live long; 1 s at least so a test can watch one expire.
      signInCodeTimeout: r.int('SIGN_IN_CODE_TIMEOUT', 600, 1, 3600),
      passwordResetUrl: r.linkTemplate('PASSWORD_RESET_URL', 'http://localhost:3000/reset-password?token={token}'),
      emailVerificationUrl: r.linkTemplate('EMAIL_VERIFICATION_URL', 'http://localhost:3000/verify-email?token={token}'),
    },
    mail: {
      smtpUrl: r.str('SMTP_URL'),
      from: r.str('MAIL_FROM', 'authql <no-reply@localhost>'),
    },
    cookie: {
      enabled: r.bool('JWT_COOKIE', false),
      hideTokenFields: r.bool('JWT_HIDE_TOKEN_FIELDS', false),
      secure: r.bool('JWT_COOKIE_SECURE', nodeEnv !== 'development'),
      sameSite: r.oneOf('JWT_COOKIE_SAMESITE', ['Lax', 'Strict', 'None'] as const, 'Lax'),
      accessName: r.str('JWT_COOKIE_NAME', 'authql_token'),
      refreshName: r.str('JWT_REFRESH_COOKIE_NAME', 'authql_refresh'),
      domain: r.str('JWT_COOKIE_DOMAIN'),
    },
    corsOrigins: r.list('CORS_ORIGINS'),
    djangoCompat: readDjangoCompat(r, isProduction),
    secondFactor: readSecondFactor(r, secretKey ?? ''),
    webauthn: readWebAuthn(r, isProduction),
    redisUrl: r.str('REDIS_URL'),
    redisKeyPrefix: r.str('REDIS_KEY_PREFIX', 'authql:'),
    trustProxy: r.list('TRUST_PROXY'),
    metricsToken: r.str('METRICS_TOKEN'),
    metricsPort: r.str('METRICS_PORT') === undefined ? undefined : r.int('METRICS_PORT', 0, 0, 65535),
    shutdownTimeout: r.int('SHUTDOWN_TIMEOUT', 10, 1, 600),
    sqliteBusyTimeout: r.int('SQLITE_BUSY_TIMEOUT', 5, 1, 600),
    passwordHashConcurrency: r.int('PASSWORD_HASH_CONCURRENCY', defaultHashConcurrency(availableParallelism()), 1, 64),
    cleanup: {
      interval: r.int('CLEANUP_INTERVAL', 3600, 0, 7 * DAY),
      retention: r.int('CLEANUP_RETENTION', DAY, 0, 365 * DAY),
    },
    webhooks: {
      allowPrivate: r.bool('WEBHOOK_ALLOW_PRIVATE', false),
      timeout: r.int('WEBHOOK_TIMEOUT', 10, 1, 60),
      pollInterval: r.int('WEBHOOK_POLL_INTERVAL', 1000, 0, 60_000),
      retryBase: r.int('WEBHOOK_RETRY_BASE_MS', 30_000, 10, 3_600_000),
      retryWindow: r.int('WEBHOOK_RETRY_WINDOW', 3 * DAY, 1, 30 * DAY),
    },
    audit: { retentionDays: r.int('AUDIT_RETENTION_DAYS', 180, 1, 36500) },
    social: {
      ...providerEndpoints(r, isProduction),
      jwksCacheTtl: r.int('SOCIAL_JWKS_CACHE_TTL', 3600, 1, 86400),
      jwksMinRefetchInterval: r.int('SOCIAL_JWKS_MIN_REFETCH_INTERVAL', 60, 1, 3600),
      httpTimeout: r.int('SOCIAL_HTTP_TIMEOUT', 5, 1, 60),
      connectByEmail: r.bool('SOCIAL_CONNECT_BY_EMAIL', false),
    },
    apple: {
      clientSecretLifetime: r.int('APPLE_CLIENT_SECRET_LIFETIME', DAY, 60, MAX_CLIENT_SECRET_LIFETIME),
      revokeAttempts: r.int('APPLE_REVOKE_ATTEMPTS', 6, 1, 20),
      revokeBackoff: r.int('APPLE_REVOKE_BACKOFF', 30, 0, 3600),
      deleteOnAccountDelete: r.bool('APPLE_DELETE_ON_ACCOUNT_DELETE', false),
    },
  };
  if (isProduction && config.account.emailVerification === 'mandatory' && !config.mail.smtpUrl) {
    r.problems.push('ACCOUNT_EMAIL_VERIFICATION=mandatory needs SMTP_URL in production (nobody could ever verify)');
  }
  if (config.mail.smtpUrl && !/^smtps?:\/\//.test(config.mail.smtpUrl)) r.problems.push('SMTP_URL must start with smtp:// or smtps://');
  if (config.cookie.sameSite === 'None' && !config.cookie.secure) r.problems.push('JWT_COOKIE_SAMESITE=None needs JWT_COOKIE_SECURE=true');
  if (config.cookie.hideTokenFields && !config.cookie.enabled)
    r.problems.push('JWT_HIDE_TOKEN_FIELDS=true needs JWT_COOKIE=true (the tokens would reach nobody)');
  for (const origin of config.corsOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) r.problems.push(`CORS_ORIGINS entries must be origins like https://app.example (got "${origin}")`);
  }
  r.problems.push(...keyProblems(config.jwt), ...trustProxyProblems(config.trustProxy), ...databaseUrlProblems(config.databaseUrl));
  r.problems.push(...issuerProblems(config.jwt, isProduction));
  r.problems.push(...djangoCompatProblems(config));
  if (config.metricsPort !== undefined && config.metricsPort !== 0 && config.metricsPort === config.port) r.problems.push('METRICS_PORT must differ from PORT');
  r.problems.push(
    ...productionProblems(config, {
      passwordResetUrl: r.str('PASSWORD_RESET_URL') !== undefined,
      emailVerificationUrl: r.str('EMAIL_VERIFICATION_URL') !== undefined,
    }),
  );
  if (config.redisUrl && !/^rediss?:\/\//.test(config.redisUrl)) r.problems.push('REDIS_URL must start with redis:// or rediss://');
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return deepFreeze(config);
}

/** Every provider's endpoints, read alike from its descriptor (kakao's `api` from KAKAO_API_URL into `kakaoApiUrl`). */
function providerEndpoints(r: Reader, isProduction: boolean): Record<`${string}Url`, string> {
  const urls: Record<`${string}Url`, string> = {};
  for (const { id, endpoints } of PROVIDERS) {
    for (const [name, spec] of Object.entries(endpoints)) {
      const url = r.url(spec.env, spec.default);
      // Provider access tokens travel to these URLs, and the keys that decide who signs in come from them: never in clear text in production.
      if (isProduction && !url.startsWith('https:')) r.problems.push(`${spec.env} must use https in production`);
      urls[endpointKey(id, name)] = url;
    }
  }
  return urls;
}

/**
 * Development only: a random key kept under the data directory so tokens
 * survive restarts. Never used in production (loadConfig refuses first).
 */
function developmentSecret(dataDir: string): string {
  const file = resolve(dataDir, 'dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function deepFreeze<T>(obj: T): T {
  for (const value of Object.values(obj as object)) {
    if (value && typeof value === 'object') deepFreeze(value);
  }
  return Object.freeze(obj);
}

/** PEM text given inline, or the path of a file holding it. */
function pemFrom(r: Reader, name: string): string | undefined {
  const raw = r.str(name);
  if (raw === undefined) return undefined;
  if (raw.includes('-----BEGIN')) return raw.replace(/\\n/g, '\n');
  try {
    return readFileSync(raw, 'utf8');
  } catch {
    r.problems.push(`${name} is neither PEM text nor a readable file (got "${raw.slice(0, 80)}")`);
    return undefined;
  }
}

/** Several PEM blocks in one value, or comma-separated file paths. */
function pemListFrom(r: Reader, name: string): string[] {
  const raw = r.str(name);
  if (raw === undefined) return [];
  let text = raw.replace(/\\n/g, '\n');
  if (!raw.includes('-----BEGIN')) {
    text = r
      .list(name)
      .map((path) => {
        try {
          return readFileSync(path, 'utf8');
        } catch {
          r.problems.push(`${name}: cannot read "${path}"`);
          return '';
        }
      })
      .join('\n');
  }
  return text.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
}
