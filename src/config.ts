// The only reader of the environment. loadConfig() turns an env-like record
// into a typed, frozen Config and reports every problem at once, so an
// operator fixes a bad deployment in one go instead of one crash at a time.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type Env = Record<string, string | undefined>;
export type NodeEnv = 'development' | 'test' | 'production';
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly autoMigrate: boolean;
  readonly dataDir: string;
  readonly logLevel: string;
  readonly jwt: {
    readonly secretKey: string;
    /** True when the key was generated for development rather than configured. */
    readonly secretGenerated: boolean;
    readonly algorithm: JwtAlgorithm;
    readonly expirationDelta: number;
    readonly allowRefresh: boolean;
    readonly refreshExpirationDelta: number;
    readonly refreshReuseInterval: number;
    readonly authHeaderPrefix: string;
    readonly issuer?: string;
    readonly audience?: string;
    readonly leeway: number;
  };
  readonly graphql: {
    readonly introspection: boolean;
    readonly landingPage: boolean;
    readonly maxBodyBytes: number;
  };
  readonly account: {
    /** none: never asked; optional: asked, not required; mandatory: login refused until verified. */
    readonly emailVerification: 'none' | 'optional' | 'mandatory';
    readonly passwordResetTimeout: number;
    readonly emailVerificationTimeout: number;
    /** Link templates; `{token}` is replaced by the URL-encoded token. */
    readonly passwordResetUrl: string;
    readonly emailVerificationUrl: string;
  };
  readonly mail: {
    /** smtp(s)://user:pass@host:port; unset → messages go to the log (development) or nowhere. */
    readonly smtpUrl?: string;
    readonly from: string;
  };
  readonly cookie: {
    readonly enabled: boolean;
    readonly hideTokenFields: boolean;
    readonly secure: boolean;
    readonly sameSite: 'Lax' | 'Strict' | 'None';
    readonly accessName: string;
    readonly refreshName: string;
    readonly domain?: string;
  };
  /** Browser origins allowed to call with credentials (CORS allow-list). */
  readonly corsOrigins: readonly string[];
  readonly social: {
    /** Base URLs without a trailing slash; tests point them at loopback fakes. */
    readonly kakaoApiUrl: string;
    readonly facebookGraphUrl: string;
    /** Seconds one provider verification may take in total, retries included. */
    readonly httpTimeout: number;
    /** Link a new social identity to the local account with the same email (both verified). */
    readonly connectByEmail: boolean;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Collects problems while reading variables; never throws mid-way. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string, fallback: string): string;
  str(name: string): string | undefined;
  str(name: string, fallback?: string): string | undefined {
    const raw = this.env[name];
    return raw === undefined || raw === '' ? fallback : raw;
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  /** An absolute http(s) URL, returned without a trailing slash. */
  url(name: string, fallback: string): string {
    const raw = this.str(name, fallback);
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      /* reported below */
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash) {
      this.problems.push(`${name} must be an http(s) URL without query or fragment (got "${raw}")`);
      return fallback;
    }
    return raw.replace(/\/+$/, '');
  }

  /** Comma-separated values, trimmed, empties dropped. */
  list(name: string): string[] {
    return (this.str(name) ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  }

  /** A link template that must contain `{token}`. */
  linkTemplate(name: string, fallback: string): string {
    const raw = this.str(name, fallback);
    if (!raw.includes('{token}')) this.problems.push(`${name} must contain {token} (got "${raw}")`);
    return raw;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.str(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
    return fallback;
  }
}

const DAY = 24 * 60 * 60;
const MIN_SECRET_BYTES = 32;

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
    autoMigrate: r.bool('AUTO_MIGRATE', true),
    dataDir,
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], nodeEnv === 'test' ? 'silent' : 'info'),
    jwt: {
      secretKey: secretKey ?? '',
      secretGenerated,
      algorithm,
      expirationDelta,
      allowRefresh: r.bool('JWT_ALLOW_REFRESH', true),
      refreshExpirationDelta,
      refreshReuseInterval: r.int('JWT_REFRESH_REUSE_INTERVAL', 10, 0, 300),
      authHeaderPrefix: prefix,
      issuer: r.str('JWT_ISSUER'),
      audience: r.str('JWT_AUDIENCE'),
      leeway: r.int('JWT_LEEWAY', 0, 0, 300),
    },
    graphql: {
      introspection: r.bool('GRAPHQL_INTROSPECTION', !isProduction),
      landingPage: !isProduction,
      maxBodyBytes: r.int('GRAPHQL_MAX_BODY_BYTES', 100 * 1024, 1024, 10 * 1024 * 1024),
    },
    account: {
      emailVerification: r.oneOf('ACCOUNT_EMAIL_VERIFICATION', ['none', 'optional', 'mandatory'] as const, 'optional'),
      passwordResetTimeout: r.int('PASSWORD_RESET_TIMEOUT', 3600, 60, 7 * DAY),
      emailVerificationTimeout: r.int('EMAIL_VERIFICATION_TIMEOUT', 3 * DAY, 60, 30 * DAY),
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
    social: {
      kakaoApiUrl: r.url('KAKAO_API_URL', 'https://kapi.kakao.com'),
      facebookGraphUrl: r.url('FACEBOOK_GRAPH_URL', 'https://graph.facebook.com/v19.0'),
      httpTimeout: r.int('SOCIAL_HTTP_TIMEOUT', 5, 1, 60),
      connectByEmail: r.bool('SOCIAL_CONNECT_BY_EMAIL', false),
    },
  };
  for (const [name, url] of [['KAKAO_API_URL', config.social.kakaoApiUrl], ['FACEBOOK_GRAPH_URL', config.social.facebookGraphUrl]]) {
    // Provider access tokens travel to these URLs: never in clear text in production.
    if (isProduction && !url.startsWith('https:')) r.problems.push(`${name} must use https in production`);
  }
  if (isProduction && config.account.emailVerification === 'mandatory' && !config.mail.smtpUrl) {
    r.problems.push('ACCOUNT_EMAIL_VERIFICATION=mandatory needs SMTP_URL in production (nobody could ever verify)');
  }
  if (config.mail.smtpUrl && !/^smtps?:\/\//.test(config.mail.smtpUrl)) r.problems.push('SMTP_URL must start with smtp:// or smtps://');
  if (config.cookie.sameSite === 'None' && !config.cookie.secure) r.problems.push('JWT_COOKIE_SAMESITE=None needs JWT_COOKIE_SECURE=true');
  if (config.cookie.hideTokenFields && !config.cookie.enabled) r.problems.push('JWT_HIDE_TOKEN_FIELDS=true needs JWT_COOKIE=true (the tokens would reach nobody)');
  for (const origin of config.corsOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) r.problems.push(`CORS_ORIGINS entries must be origins like https://app.example (got "${origin}")`);
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return deepFreeze(config);
}

/**
 * Development only: a random key kept under the data directory so tokens
 * survive restarts. Never used in production (loadConfig refuses first).
 */
function developmentSecret(dataDir: string): string {
  const file = resolve(dataDir, 'dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function deepFreeze<T>(obj: T): T {
  for (const value of Object.values(obj as object)) {
    if (value && typeof value === 'object') deepFreeze(value);
  }
  return Object.freeze(obj);
}
