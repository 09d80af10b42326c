// The contract between the sign-in pipeline's second-factor gate and each
// kind of second factor (TOTP, recovery codes, passkeys). The gate asks every
// registered method whether the user has it; if any is enrolled, the sign-in
// stops with SECOND_FACTOR_REQUIRED and a challenge, and verifySecondFactor
// hands the answer to the method that reads it. A method knows its own
// storage; the gate knows challenges, throttling and the session that follows.
import type { EntityManager } from '@mikro-orm/core';
import type { User } from '../entities';

/** What the client is offered in `extensions.methods`. */
export type SecondFactorKind = 'TOTP' | 'RECOVERY_CODE' | 'PASSKEY';

/** verifySecondFactor's arguments, as the client sent them. */
export interface SecondFactorAnswer {
  code?: string | null;
  recoveryCode?: string | null;
  passkeyResponse?: unknown;
}

/** The pending sign-in a second factor answers, as the gate stored it. */
export interface PendingChallenge {
  /** Stable id of the challenge (not the token the client holds). */
  id: string;
  userId: number;
  expiresAt: Date;
}

export interface SecondFactorMethod {
  readonly kind: SecondFactorKind;
  /**
   * Whether this method makes the user's sign-ins need a second step. A method
   * that can only stand in for another (recovery codes) answers false and is
   * offered whenever any other one is enrolled and it has codes left.
   */
  requiresSecondStep(em: EntityManager, user: User): Promise<boolean>;
  /** Whether to list it in `extensions.methods` for this user. */
  offered(em: EntityManager, user: User): Promise<boolean>;
  /** Extra `extensions` for SECOND_FACTOR_REQUIRED (PASSKEY: `passkeyOptions`). */
  extensions?(em: EntityManager, user: User, challenge: PendingChallenge): Promise<Record<string, unknown>>;
  /** Whether the answer carries this method's field. */
  answers(answer: SecondFactorAnswer): boolean;
  /**
   * Checks the answer and consumes what it used (a TOTP step, a recovery
   * code, a WebAuthn challenge). Resolves to the RFC 8176 `amr` values it
   * proved (e.g. ['otp'], ['hwk']); the gate adds 'mfa'. A wrong answer
   * throws AppError SECOND_FACTOR_INVALID; writes go on `em`, flushed with the
   * session.
   */
  verify(em: EntityManager, user: User, answer: SecondFactorAnswer, challenge: PendingChallenge): Promise<readonly string[]>;
  /** resetSecondFactors (a superuser, for a user who lost their devices): removes whatever this method stored for the user. */
  reset?(em: EntityManager, user: User): Promise<void>;
}

/** Whether any of `methods` makes the user's sign-ins need a second step: the gate's rule, and the sign-in codes'. */
export async function needsSecondStep(methods: readonly SecondFactorMethod[], em: EntityManager, user: User): Promise<boolean> {
  for (const m of methods) if (await m.requiresSecondStep(em, user)) return true;
  return false;
}
