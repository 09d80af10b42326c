// What users do to their own TOTP and recovery codes. Beginning an enrollment
// confirms identity as updateMe does (the password, or a recent sign-in for
// accounts without one); it changes nothing at sign-in until a first valid
// code confirms it, which turns TOTP on, hands out 10 recovery codes (shown
// once) and ends every other session: whoever else was signed in did not
// pass the new factor. Turning it off or making new codes asks for identity
// and a current code (TOTP or recovery code). Every code check here counts on
// the per-account second-factor throttle, so a stolen session cannot guess.
import type { EntityManager } from '@mikro-orm/core';
import type { Confirmation, Reauthentication } from '../accounts/reauth';
import type { User } from '../entities';
import { AppError, badInput } from '../errors';
import type { SessionService } from '../sessions/sessions';
import type { RateLimiter } from '../throttle/rate-limiter';
import type { SecondFactorChanges } from './changes';
import { codeInvalid } from './code-invalid';
import type { SecondFactorNotices } from './notices';
import { qrSvg } from './qr';
import type { RecoveryCodeMethod } from './recovery-code-method';
import type { RecoveryCodeStore } from './recovery-code-store';
import { base32Encode, otpauthUri } from './totp';
import type { TotpFactors } from './totp-factors';

export interface TotpEnrollmentStart {
  secret: string;
  otpauthUri: string;
  qrCodeSvg: string;
}

export interface TotpSettingsDeps {
  /** The audit row and webhook event of each change. */
  changes: SecondFactorChanges;
  factors: TotpFactors;
  codes: RecoveryCodeStore;
  recovery: RecoveryCodeMethod;
  reauth: Reauthentication;
  sessions: SessionService;
  rateLimiter: RateLimiter;
  notices: SecondFactorNotices;
  issuer: string;
}

export class TotpSettings {
  constructor(private readonly deps: TotpSettingsDeps) {}

  async begin(em: EntityManager, user: User, proof: Confirmation): Promise<TotpEnrollmentStart> {
    await this.deps.reauth.confirmIdentity(em, user, proof);
    const existing = await this.deps.factors.find(em, user);
    if (existing?.confirmedAt) throw badInput('password', 'TOTP is already on: turn it off first to set up another authenticator.');
    const secret = await this.deps.factors.beginEnrollment(em, user, existing);
    const uri = otpauthUri(this.deps.issuer, user.username, secret);
    return { secret: base32Encode(secret), otpauthUri: uri, qrCodeSvg: qrSvg(uri) };
  }

  /** `sessionId`: the caller's session, the one that stays signed in. */
  async confirm(em: EntityManager, user: User, code: string, sessionId: string | null): Promise<string[]> {
    const pending = await this.deps.factors.find(em, user);
    if (!pending || pending.confirmedAt) throw badInput('code', 'There is no TOTP enrollment to confirm: begin one first.');
    await this.counted(user, async () => {
      if (!(await this.deps.factors.check(em, pending, code))) throw codeInvalid();
    });
    pending.confirmedAt = new Date();
    const codes = await this.deps.codes.replace(em, user);
    await this.deps.changes.record(em, user, 'totp_enabled');
    await em.flush();
    await this.deps.sessions.revokeOthers(em, user.id, sessionId);
    this.deps.notices.send(user, { kind: 'totp_enabled' });
    return codes;
  }

  async disable(em: EntityManager, user: User, proof: Confirmation, code: string): Promise<void> {
    await this.deps.reauth.confirmIdentity(em, user, proof);
    const factor = await this.requireOn(em, user);
    await this.checkCode(em, user, code);
    em.remove(factor);
    await this.deps.codes.drop(em, user);
    await this.deps.changes.record(em, user, 'totp_disabled');
    await em.flush();
    this.deps.notices.send(user, { kind: 'totp_disabled' });
  }

  async regenerateRecoveryCodes(em: EntityManager, user: User, proof: Confirmation, code: string): Promise<string[]> {
    await this.deps.reauth.confirmIdentity(em, user, proof);
    await this.requireOn(em, user);
    await this.checkCode(em, user, code);
    const codes = await this.deps.codes.replace(em, user);
    await this.deps.changes.record(em, user, 'recovery_codes_regenerated');
    await em.flush();
    this.deps.notices.send(user, { kind: 'recovery_codes_regenerated' });
    return codes;
  }

  private async requireOn(em: EntityManager, user: User) {
    const factor = await this.deps.factors.confirmed(em, user);
    if (!factor) throw badInput('code', 'TOTP is not on for this account.');
    return factor;
  }

  /** Six digits are a TOTP code; anything else is read as a recovery code. */
  private async checkCode(em: EntityManager, user: User, code: string): Promise<void> {
    await this.counted(user, async () => {
      if (/^\s*\d{6}\s*$/.test(code)) {
        const factor = await this.deps.factors.confirmed(em, user);
        if (!factor || !(await this.deps.factors.check(em, factor, code))) throw codeInvalid();
      } else {
        await this.deps.recovery.spend(em, user, code);
      }
    });
  }

  /** One attempt on the account's second-factor throttle; a right code gives it back. */
  private async counted(user: User, check: () => Promise<void>): Promise<void> {
    const tickets = await this.deps.rateLimiter.consume(['secondFactor', String(user.id)]);
    try {
      await check();
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'SECOND_FACTOR_INVALID')) await this.deps.rateLimiter.refund(tickets);
      throw err;
    }
    await this.deps.rateLimiter.refund(tickets);
  }
}
