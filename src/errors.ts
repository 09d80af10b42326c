// The closed catalogue of error codes a client can see. Anything thrown that
// is not an AppError (or one of GraphQL's own request errors) is masked as
// INTERNAL_SERVER_ERROR by formatError; its cause goes to the log only.

import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';

export const ERROR_CODES = {
  UNAUTHENTICATED: 'Sign in to do this.',
  FORBIDDEN: 'You are not allowed to do this.',
  INVALID_CREDENTIALS: 'Unable to sign in with the provided credentials.',
  EMAIL_NOT_VERIFIED: 'Confirm your email address first: follow the link we sent you.',
  TOKEN_EXPIRED: 'The token has expired.',
  TOKEN_INVALID: 'The token is invalid.',
  REFRESH_TOKEN_REUSED: 'This refresh token was already used; the session has been ended.',
  SOCIAL_AUTH_FAILED: 'Unable to sign in with that provider account.',
  BAD_USER_INPUT: 'The input is invalid.',
  RATE_LIMITED: 'Too many attempts; try again later.',
  SECOND_FACTOR_REQUIRED: 'This account has a second factor: answer the challenge with verifySecondFactor.',
  SECOND_FACTOR_INVALID: 'The second factor was not accepted.',
  SERVICE_UNAVAILABLE: 'The service is briefly unavailable; try again.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on our side.',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes produced by GraphQL/Apollo (or our HTTP layer) before any resolver runs. */
export const REQUEST_ERROR_CODES = [
  'NOT_FOUND',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
] as const;
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];

/** Why a social sign-in failed; sent as `extensions.reason` with SOCIAL_AUTH_FAILED. */
export const SOCIAL_FAILURE_REASONS = ['PROVIDER_NOT_CONFIGURED', 'TOKEN_REJECTED', 'WRONG_APP', 'PROVIDER_UNAVAILABLE', 'EMAIL_CONFLICT'] as const;
export type SocialFailureReason = (typeof SOCIAL_FAILURE_REASONS)[number];

/**
 * The `extensions.reason` values each code may carry: part of the catalogue,
 * pinned by the same test, so a client can switch on them.
 */
export const ERROR_REASONS = {
  /** Why a protected field refused the caller (an Apollo link refreshes on TOKEN_EXPIRED). */
  UNAUTHENTICATED: ['MISSING_TOKEN', 'TOKEN_EXPIRED', 'TOKEN_INVALID', 'USER_INACTIVE'],
  /** refreshToken: the session was revoked or its user deactivated; verifyToken: what made the token's user or session invalid. */
  TOKEN_INVALID: ['SESSION_REVOKED', 'USER_INACTIVE', 'TOKEN_INVALID'],
  SOCIAL_AUTH_FAILED: SOCIAL_FAILURE_REASONS,
  /** disconnectSocialAccount of the account's only way in. */
  BAD_USER_INPUT: ['LAST_SIGN_IN_METHOD'],
  /** MFA_REQUIRED_FOR_STAFF: a staff power asked from a session without `mfa` in its amr. */
  FORBIDDEN: ['SECOND_FACTOR_REQUIRED'],
  /**
   * verifySecondFactor and the code checks of TOTP management: a wrong code
   * (CODE_INVALID); a challenge token that is unknown, used, or spent by 5
   * wrong answers (CHALLENGE_INVALID: sign in again); one past its 5 minutes.
   */
  SECOND_FACTOR_INVALID: ['CODE_INVALID', 'CHALLENGE_INVALID', 'CHALLENGE_EXPIRED'],
} as const satisfies Partial<Record<ErrorCode, readonly string[]>>;
export type ErrorReason<C extends keyof typeof ERROR_REASONS> = (typeof ERROR_REASONS)[C][number];

/** Why a protected field refused an anonymous or badly authenticated caller. */
export type AuthFailureReason = ErrorReason<'UNAUTHENTICATED'>;

export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    extra: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...extra, code } });
    this.name = 'AppError';
  }
}

export const unauthenticated = (reason: AuthFailureReason, message: string = ERROR_CODES.UNAUTHENTICATED) => withReason('UNAUTHENTICATED', reason, message);

export const badInput = (field: string, message: string) => new AppError('BAD_USER_INPUT', message, { field });

/** An error whose `reason` comes from the catalogue (ERROR_REASONS). */
export const withReason = <C extends keyof typeof ERROR_REASONS>(
  code: C,
  reason: ErrorReason<C>,
  message: string = ERROR_CODES[code],
  extra: Record<string, unknown> = {},
) => new AppError(code, message, { ...extra, reason });

export const socialAuthFailed = (reason: SocialFailureReason) =>
  withReason(
    'SOCIAL_AUTH_FAILED',
    reason,
    reason === 'EMAIL_CONFLICT'
      ? 'An account with this email already exists: sign in to it, then connect this provider account.'
      : ERROR_CODES.SOCIAL_AUTH_FAILED,
  );

const PASSTHROUGH = new Set<string>([...Object.keys(ERROR_CODES), ...REQUEST_ERROR_CODES]);

/**
 * Apollo's formatError hook: our own errors and GraphQL's request errors pass
 * through (without stack traces); everything else becomes a generic
 * INTERNAL_SERVER_ERROR and is reported to `log` with its cause.
 */
export function createFormatError(log: (err: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof ArgumentValidationError) return validationFailure(formatted, original);
    // Ours (AppError) and GraphQL's request errors are GraphQLErrors with a
    // catalogue code; anything else a resolver threw is masked.
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === 'string' && PASSTHROUGH.has(code)) {
      const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
      if (code === 'BAD_USER_INPUT' && extensions.field === undefined) extensions.field = coercionField(formatted.message);
      return { ...formatted, extensions };
    }
    log(original);
    if (isTransientDatabaseError(original)) {
      return {
        message: ERROR_CODES.SERVICE_UNAVAILABLE,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
      };
    }
    return {
      message: ERROR_CODES.INTERNAL_SERVER_ERROR,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * graphql-js reports a variable it could not coerce only in its message
 * (`Variable "$input" got invalid value … at "input.email"; …`, `…; Field
 * "password" of required type …`): the innermost input field named there,
 * else the variable, so every BAD_USER_INPUT says which `field` to fix.
 */
export function coercionField(message: string): string | null {
  const variable = /^Variable "\$(\w+)"/.exec(message)?.[1];
  if (!variable) return null;
  const inner = /; Field "(\w+)" (?:of required type|is not defined)/.exec(message)?.[1];
  if (inner) return inner;
  const at = / at "([^"]+)"/.exec(message)?.[1];
  const last = at
    ?.replace(/\[\d+\]/g, '')
    .split('.')
    .at(-1);
  return last || variable;
}

/** class-validator's report, reduced to our BAD_USER_INPUT with the first offending field. */
function validationFailure(formatted: GraphQLFormattedError, err: ArgumentValidationError): GraphQLFormattedError {
  let node = err.extensions.validationErrors?.[0];
  const path: string[] = [];
  while (node) {
    path.push(node.property);
    if (!node.children?.length) break;
    node = node.children[0];
  }
  const message = Object.values(node?.constraints ?? {})[0] ?? ERROR_CODES.BAD_USER_INPUT;
  return {
    message,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'BAD_USER_INPUT', field: path.at(-1) ?? null },
  };
}

/**
 * A database that is busy, locked or unreachable: the request can be retried
 * as it is. SQLite reports SQLITE_BUSY/SQLITE_LOCKED; PostgreSQL and the pool
 * report lost or refused connections.
 */
export function isTransientDatabaseError(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    const name = typeof e.name === 'string' ? e.name : '';
    const message = typeof e.message === 'string' ? e.message : '';
    // SQLITE_FULL: the disk is full; the transaction rolled back and a retry succeeds once there is
    // room (test/faults/database-away.fault.ts saw it answered as INTERNAL_SERVER_ERROR).
    if (/^SQLITE_(BUSY|LOCKED|FULL)/.test(code) || /SQLITE_(BUSY|LOCKED|FULL)/.test(message)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '53300'].includes(code)) return true;
    if (['ConnectionException', 'LockWaitTimeoutException', 'DeadlockException', 'KnexTimeoutError'].includes(name)) return true;
    // ioredis while Redis is away: the command gave up after its retry, or timed out, or the
    // connection closed under it (test/faults/redis-away.fault.ts saw these answered as
    // INTERNAL_SERVER_ERROR; throttled operations must fail closed with SERVICE_UNAVAILABLE).
    if (name === 'MaxRetriesPerRequestError' || /^(Command timed out|Connection is closed\.?)$/.test(message)) return true;
    // The last two (found by test/faults/database-away.fault.ts): pg refusing a query on a client
    // whose connection just died, and knex reporting a transaction whose connection was lost.
    if (
      /Connection terminated|Connection ended unexpectedly|is not currently accepting connections|Unable to acquire a connection|Knex: Timeout acquiring a connection|database .* does not allow connections|the database system is shutting down|has encountered a connection error and is not queryable|Transaction query already complete/i.test(
        message,
      )
    )
      return true;
  }
  return false;
}

export const rateLimited = (retryAfter: number) => new AppError('RATE_LIMITED', ERROR_CODES.RATE_LIMITED, { retryAfter });
