// What a way in tells the sign-in pipeline, and the shape of the pipeline's
// extension point. A way in (password, registration, social, …) proves the
// first factor; the pipeline does everything after that, so a rule added to
// it (a second factor, an audit row) holds for every way in at once.
import type { EntityManager } from '@mikro-orm/core';
import type { User } from '../entities';
import type { ClientMeta, IssuedSession } from '../sessions/sessions';
import type { SocialProvider } from '../social/providers/provider-id';
import type { RuleName, Ticket } from '../throttle/rate-limiter';

/**
 * How the first factor was proven. The session's RFC 8176 `amr` is derived
 * from it (password, register, password_change → pwd; social → fed; code →
 * otp) unless the attempt says `amr` itself (a passkey: hwk/swk + mfa).
 */
export type SignInMethod = 'password' | 'register' | 'password_change' | 'code' | 'passkey' | `social:${SocialProvider}`;

export interface SignInAttempt {
  method: SignInMethod;
  client: ClientMeta;
  /**
   * Throttle attempts counted for this sign-in. Given back (once) when the
   * first factor holds, and when the attempt fails for any reason but wrong
   * credentials: only wrong guesses use up the allowance.
   */
  tickets?: Ticket[];
  /** The per-account failure counter a proven first factor clears (as allauth does). */
  clears?: readonly [RuleName, string];
  /**
   * The RFC 8176 `amr` values this way in proved, when the method alone does
   * not say (a passkey sign-in: ['hwk' | 'swk', 'mfa']). An attempt whose amr
   * holds 'mfa' already satisfies the second-factor gate.
   */
  amr?: readonly string[];
  /** The id of the account the attempt named, when one exists: a failure's audit row says whose account was tried. */
  subject?: number;
  /** Fields for the log line (provider, isNewUser): never a secret. */
  detail?: Readonly<Record<string, string | number | boolean>>;
}

/** The RFC 8176 `amr` of a sign-in: what the attempt says, else what its method implies. */
export function amrOf(attempt: SignInAttempt): readonly string[] {
  if (attempt.amr) return attempt.amr;
  const { method } = attempt;
  if (method.startsWith('social:')) return ['fed'];
  if (method === 'code') return ['otp'];
  if (method === 'passkey') return [];
  return ['pwd'];
}

/** A sign-in between its first factor and its session. */
export interface SignInStep {
  /** The request's EntityManager: what a hook persists on it is flushed with the session. */
  em: EntityManager;
  user: User;
  attempt: SignInAttempt;
}

/**
 * The pipeline's extension point: hooks run in the order createServices lists
 * them, for every way in (the second-factor gate is the first).
 * - beforeSession: the first factor is proven, nothing is written yet (no
 *   session, no lastLogin). Throw an AppError to refuse or to ask for another
 *   factor (issue 13: SECOND_FACTOR_REQUIRED with a challenge token).
 * - afterSession: the session is in the unit of work with its id and tokens,
 *   not yet flushed. Rows persisted on `em` are written in the same flush, one
 *   transaction, with the session and lastLogin (issue 16: audit rows and
 *   webhook outbox events); a throw writes nothing and fails the sign-in.
 * - onFailure: an attempt failed after its throttle check, with the error the
 *   client gets. It changes nothing else, so its writes stand alone; a hook
 *   that throws here is logged and never changes the answer.
 */
export interface SignInHook {
  readonly name: string;
  beforeSession?(step: SignInStep): Promise<void>;
  afterSession?(step: SignInStep & { issued: IssuedSession }): Promise<void>;
  onFailure?(attempt: SignInAttempt, error: unknown): Promise<void>;
}
