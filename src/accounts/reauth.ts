// Confirming it is really the account holder before a sensitive change
// (password or email change, account deletion, linking a provider). With a
// usable password: the password. Without one (social-only accounts): a
// sign-in within the last REAUTH_WINDOW seconds — the session's first
// sign-in (orig_iat), which a refresh cannot renew — plus, for deletion, the
// username typed out.
//
// A stolen access token must not turn these checks into a guessing oracle:
// wrong passwords count per user (RATE_LIMIT_REAUTH), before any hashing.
import type { EntityManager } from '@mikro-orm/core';
import type { User } from '../entities';
import { badInput } from '../errors';
import type { RateLimiter } from '../throttle/rate-limiter';
import { PasswordHasher } from './passwords';

export const REAUTH_WINDOW = 600;
/** Longer inputs are wrong without hashing them (the GraphQL arguments cap them too). */
const MAX_PASSWORD_LENGTH = 256;

/** What the caller offers as proof: the typed password, and when its session first signed in. */
export interface Confirmation {
  password: string | null | undefined;
  /** Unix seconds of the session's first sign-in (the access token's orig_iat); null without a token. */
  signedInAt: number | null;
}

export class Reauthentication {
  constructor(
    private readonly rateLimiter: RateLimiter,
    private readonly passwords: PasswordHasher,
  ) {}

  /**
   * Checks the current password of `user`, throwing BAD_USER_INPUT on `field`
   * when it is wrong. One attempt is counted before any hashing (RATE_LIMITED
   * once over the budget); the right password clears the failures, as a
   * sign-in does.
   */
  async checkCurrentPassword(em: EntityManager, user: User, password: string | null | undefined, field: string): Promise<void> {
    await em.populate(user, ['password']);
    return this.countedCheck(user, password, field);
  }

  async confirmIdentity(em: EntityManager, user: User, proof: Confirmation, opts: { typedUsername?: boolean } = {}): Promise<void> {
    await em.populate(user, ['password']);
    if (PasswordHasher.isUsable(user.password)) return this.countedCheck(user, proof.password, 'password');
    if (Date.now() / 1000 - (proof.signedInAt ?? 0) > REAUTH_WINDOW) {
      throw badInput('password', `This account has no password: sign in again with your provider (within ${REAUTH_WINDOW / 60} minutes) to confirm.`);
    }
    if (opts.typedUsername && proof.password !== user.username) {
      throw badInput('password', 'This account has no password: type your username to confirm.');
    }
  }

  private async countedCheck(user: User, password: string | null | undefined, field: string): Promise<void> {
    const subject = String(user.id);
    await this.rateLimiter.consume(['reauth', subject]);
    const ok = password != null && password.length <= MAX_PASSWORD_LENGTH && (await this.passwords.verify(user.password, password));
    if (!ok) throw badInput(field, field === 'oldPassword' ? 'The current password is not correct.' : 'The password is not correct.');
    await this.rateLimiter.clear('reauth', subject);
  }
}
