// The shape of authql's configuration. Only config.ts fills it (from the
// environment); everything else receives it from createApp.
import type { JwtAlgorithm } from '../sessions/keys';

export type Env = Record<string, string | undefined>;
export type NodeEnv = 'development' | 'test' | 'production';
export type { JwtAlgorithm };

/** A rate limit: `limit` attempts per `window` seconds. */
export interface RateRule {
  limit: number;
  /** Seconds. */
  window: number;
}

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  /** PostgreSQL connections per process (SQLite always uses one). */
  readonly databasePoolMax: number;
  readonly autoMigrate: boolean;
  readonly dataDir: string;
  readonly logLevel: string;
  /** auto: human lines in development on a terminal, JSON otherwise. */
  readonly logFormat: 'auto' | 'json' | 'pretty';
  readonly jwt: {
    readonly secretKey: string;
    /** True when the key was generated for development rather than configured. */
    readonly secretGenerated: boolean;
    readonly algorithm: JwtAlgorithm;
    /** PEM texts (read from a file when the variable names one). */
    readonly privateKey?: string;
    readonly publicKey?: string;
    readonly previousPublicKeys: readonly string[];
    readonly expirationDelta: number;
    readonly allowRefresh: boolean;
    readonly refreshExpirationDelta: number;
    readonly refreshReuseInterval: number;
    /**
     * How long a rotated refresh token is re-answered with its successor while
     * that successor has never been used: a retry whose answer was lost (a
     * crash, a dropped connection), not a replay (see README Reliability).
     */
    readonly refreshRetryWindow: number;
    readonly authHeaderPrefix: string;
    readonly issuer?: string;
    readonly audience?: string;
    readonly leeway: number;
  };
  readonly graphql: {
    readonly introspection: boolean;
    /** The self-hosted GraphiQL playground at /graphiql. */
    readonly graphiql: boolean;
    readonly maxBodyBytes: number;
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxTokens: number;
    readonly maxSelectionFields: number;
    /** Upper bound on fields the document can resolve, fragments expanded. */
    readonly maxCost: number;
  };
  /** Attempts per window; null when a rule is switched off. */
  readonly rateLimits: {
    readonly loginAccount: RateRule | null;
    readonly loginIp: RateRule | null;
    readonly register: RateRule | null;
    readonly passwordResetIp: RateRule | null;
    readonly passwordResetEmail: RateRule | null;
    readonly social: RateRule | null;
    readonly refresh: RateRule | null;
    /** Wrong current passwords per user (changePassword, updateMe, deleteMe, connectSocialAccount). */
    readonly reauth: RateRule | null;
    /** Wrong second-factor answers per account (verifySecondFactor, TOTP management), apart from the password's counters. */
    readonly secondFactor: RateRule | null;
    /** Verification resends and email changes per account. */
    readonly mailUser: RateRule | null;
    /** Account mails (verification links, registration notices) per recipient address. */
    readonly mailAddress: RateRule | null;
    /** passkeySignInOptions per client IP: each one stores a challenge. */
    readonly passkeyOptions: RateRule | null;
    /** Sign-in codes mailed per address (requestSignInCode). */
    readonly signInCodeEmail: RateRule | null;
    /** requestSignInCode calls per client IP. */
    readonly signInCodeIp: RateRule | null;
    /** Wrong signInWithCode tries per address typed, over all its codes. */
    readonly signInCodeTries: RateRule | null;
  };
  readonly redisUrl?: string;
  readonly redisKeyPrefix: string;
  /** Proxies (IPs, CIDRs, or `loopback`) whose X-Forwarded-For is believed. */
  readonly trustProxy: readonly string[];
  readonly metricsToken?: string;
  /** When set, /metrics is served only on this port of 127.0.0.1 (0 picks a free one), not on PORT. */
  readonly metricsPort?: number;
  readonly shutdownTimeout: number;
  /** Seconds SQLite waits on a lock before the request fails as SERVICE_UNAVAILABLE. */
  readonly sqliteBusyTimeout: number;
  /** Password hashes (native or imported) computed at once; the rest wait their turn. */
  readonly passwordHashConcurrency: number;
  readonly cleanup: {
    /** Seconds between sweeps of ended sessions and spent tokens; 0: never (run `manage cleanup` instead). */
    readonly interval: number;
    /** Seconds an ended session or spent one-time token is kept before it is purged. */
    readonly retention: number;
  };
  readonly webhooks: {
    /** Lets deliveries reach loopback and private-range addresses (tests, a receiver on the same host); refused otherwise (SSRF). */
    readonly allowPrivate: boolean;
    /** Seconds one delivery attempt may take (connect to last byte). */
    readonly timeout: number;
    /** Milliseconds between the worker's looks for due deliveries; 0: no worker on this replica. */
    readonly pollInterval: number;
    /** Milliseconds before the first retry; each later one waits twice as long (with jitter), at most 6 h apart. */
    readonly retryBase: number;
    /** Seconds after queueing that a delivery keeps being retried before it is dead. */
    readonly retryWindow: number;
  };
  readonly audit: {
    /** Days an audit row is kept before the sweep removes it. */
    readonly retentionDays: number;
  };
  readonly account: {
    /** none: never asked; optional: asked, not required; mandatory: login refused until verified. */
    readonly emailVerification: 'none' | 'optional' | 'mandatory';
    readonly passwordResetTimeout: number;
    readonly emailVerificationTimeout: number;
    /** Seconds an email sign-in code works. */
    readonly signInCodeTimeout: number;
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
  readonly secondFactor: {
    /** ENCRYPTION_KEY (else JWT_SECRET_KEY) first, then ENCRYPTION_PREVIOUS_KEYS: the master secrets of sealed TOTP secrets and recovery-code hashes. */
    readonly masterSecrets: { readonly current: string; readonly previous: readonly string[] };
    /** The issuer authenticator apps show next to the account (TOTP_ISSUER). */
    readonly totpIssuer: string;
    /** MFA_REQUIRED_FOR_STAFF: staff powers need a session with `mfa` in its amr. */
    readonly requiredForStaff: boolean;
  };
  /** The REST endpoints of djangorestframework-jwt, rest-auth and DRF's users list (http/django-compat/). */
  readonly djangoCompat: {
    readonly enabled: boolean;
    /** Prepended to every compat path: '' or like `/api`. */
    readonly prefix: string;
    /** authql's public URL for links in answers; unset: built from the Host header (refused in production). */
    readonly publicUrl?: string;
  };
  /** Passkeys: the relying party and the origins that may answer for it (config/webauthn.ts). */
  readonly webauthn: WebAuthnConfig;
  readonly social: {
    /**
     * Every provider endpoint its descriptor declares (social/providers/*.ts),
     * as `<provider><Endpoint>Url` (kakaoApiUrl, googleJwksUrl, …): base URLs
     * without a trailing slash; tests point them at loopback fakes.
     */
    readonly [endpoint: `${string}Url`]: string;
    /** Seconds fetched ID-token keys are trusted before they are fetched again. */
    readonly jwksCacheTtl: number;
    /** Seconds between two key refetches of one provider for an unknown kid (and after a failed fetch). */
    readonly jwksMinRefetchInterval: number;
    /** Seconds one provider verification may take in total, retries included. */
    readonly httpTimeout: number;
    /** Link a new social identity to the local account with the same email (both verified). */
    readonly connectByEmail: boolean;
  };
  /** Sign in with Apple's REST API and notifications (issue 17). */
  readonly apple: {
    /** Seconds a self-signed client_secret is valid (Apple allows six months); it is signed again before it runs out. */
    readonly clientSecretLifetime: number;
    /** Tries at revoking an Apple token, the first included. */
    readonly revokeAttempts: number;
    /** Seconds before the second try; doubled for each next one (at most an hour). */
    readonly revokeBackoff: number;
    /** On Apple's account-delete notification, delete the user when Apple was their only way in. */
    readonly deleteOnAccountDelete: boolean;
  };
}

export interface WebAuthnConfig {
  /** False in production without WEBAUTHN_RP_ID: the passkey operations answer FORBIDDEN. */
  readonly enabled: boolean;
  readonly rpId: string;
  readonly rpName: string;
  /** Web origins (https://…), Android app origins (android:apk-key-hash:…); null: http://localhost:<listening port>. */
  readonly origins: readonly string[] | null;
}
