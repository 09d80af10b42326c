// What a user does to their own account: register, verify the email, change
// the profile, the email or the password, reset a forgotten password, delete
// the account. Each change is written first and then settled in one place
// (settle): the sessions it must end are ended and the notice it owes is sent.
// The token-version subscriber stays the only code that bumps token versions.
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log';
import type { BackgroundTasks } from '../background';
import type { Orm } from '../db/orm';
import { SocialAccount, User } from '../entities';
import { AppError, badInput } from '../errors';
import type { Outbox } from '../events/outbox';
import type { OneTimeTokenService } from '../sessions/one-time-tokens';
import type { ClientMeta, SessionService } from '../sessions/sessions';
import { displayName } from '../social/providers/registry';
import { throttleSubject } from '../throttle/client-subject';
import type { RateLimiter } from '../throttle/rate-limiter';
import type { AccountMail, MailLinks } from './account-mail';
import { type AccountStore, emailKey, type NewAccount } from './accounts';
import { passwordProblem } from './password-rules';
import type { PasswordHasher } from './passwords';
import type { Confirmation, Reauthentication } from './reauth';
import { type Registration, registerAccount } from './registration';
import { deleteUser, type UserDeletion } from './user-deletion';
import { sendVerification } from './verification';

export interface AccountServiceDeps {
  store: AccountStore;
  passwords: PasswordHasher;
  sessions: SessionService;
  oneTimeTokens: OneTimeTokenService;
  rateLimiter: RateLimiter;
  reauth: Reauthentication;
  mail: AccountMail;
  background: BackgroundTasks;
  orm: Orm;
  logger: Logger;
  audit: AuditLog;
  outbox: Outbox;
  policy: MailLinks & { emailVerification: 'none' | 'optional' | 'mandatory' };
  /** Told before and after a user is deleted (Apple token revocation). */
  deletion?: UserDeletion;
}

/** What a change owes once it is written. */
export type AccountChange = { kind: 'password' } | { kind: 'email'; oldEmail: string | null | undefined };

export interface ProfileChange {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
}

const emailTaken = () => badInput('email', 'A user with that email already exists.');

export class AccountService {
  constructor(private readonly deps: AccountServiceDeps) {}

  /** `signIn`: the first session, started inside the account's transaction (see registerAccount). */
  register(em: SqlEntityManager, input: NewAccount & { email: string }, signIn?: (tx: EntityManager, user: User) => Promise<void>): Promise<Registration> {
    const written = (tx: EntityManager, user: User) => this.deps.audit.record(tx, { action: 'user.registered', actor: user });
    return registerAccount(this.deps, em, { ...input, via: 'register', written }, signIn);
  }

  /** True also when the email is already verified (nothing is sent). Limited per account and per address. */
  async requestEmailVerification(em: SqlEntityManager, user: User): Promise<void> {
    if (!user.email) throw badInput('email', 'This account has no email address.');
    if (user.emailVerified) return;
    await this.deps.rateLimiter.consume(['mailUser', String(user.id)], ['mailAddress', emailKey(user.email)]);
    await sendVerification(this.deps, em, user);
  }

  async verifyEmail(em: SqlEntityManager, token: string): Promise<User> {
    if (token.length > 4096) throw badInput('token', 'The token is too long.');
    const { oneTimeTokens } = this.deps;
    const { row, user } = await oneTimeTokens.peek(em, token, 'email_verification');
    await oneTimeTokens.consume(em, row);
    user.emailVerified = true;
    this.deps.audit.record(em, { action: 'email.verified', actor: user });
    await this.deps.outbox.emit(em, 'user.email_verified', { userId: String(user.id) });
    await em.flush();
    return user;
  }

  /** Names and email; a new email needs the identity confirmed and is verified again. */
  async updateProfile(em: SqlEntityManager, user: User, input: ProfileChange, proof: Confirmation): Promise<User> {
    const { rateLimiter, reauth, store } = this.deps;
    if (input.firstName != null) user.firstName = input.firstName;
    if (input.lastName != null) user.lastName = input.lastName;
    const oldEmail = user.email;
    const email = input.email != null && emailKey(input.email) !== (user.emailKey ?? '') ? input.email : null;
    if (email !== null) {
      await reauth.confirmIdentity(em, user, proof);
      store.validate({ username: user.username, email });
      // Two mails go out (a link to the new address, a notice to the old): no
      // bombing anyone with them. Counted per attempt, so the "taken" answer,
      // which tells that an address has an account, is throttled as well.
      await rateLimiter.consume(['mailUser', String(user.id)]);
      if (await em.count(User, { emailKey: emailKey(email), id: { $ne: user.id } })) throw emailTaken();
      await rateLimiter.consume(['mailAddress', emailKey(email)]);
      Object.assign(user, { email, emailKey: emailKey(email), emailVerified: false });
    }
    const fields = changedFields(em, user);
    if (fields.length > 0) {
      this.deps.audit.record(em, { action: email !== null ? 'email.changed' : 'profile.updated', actor: user, detail: { fields } });
      await this.deps.outbox.emit(em, 'user.updated', { userId: String(user.id), fields });
    }
    try {
      await em.flush();
    } catch (err) {
      // Someone else took the address between the check and the write.
      if (err instanceof UniqueConstraintViolationException) throw emailTaken();
      throw err;
    }
    if (email !== null) await this.settle(em, user, { kind: 'email', oldEmail });
    return user;
  }

  /** Checks the current password and sets a new one; every session ends (the caller may start a fresh one). */
  async changePassword(em: EntityManager, user: User, oldPassword: string, newPassword: string): Promise<void> {
    await this.deps.reauth.checkCurrentPassword(em, user, oldPassword, 'oldPassword');
    checkNewPassword(user, newPassword);
    user.password = await this.deps.passwords.hash(newPassword);
    this.deps.audit.record(em, { action: 'password.changed', actor: user });
    await this.deps.outbox.emit(em, 'password.changed', { userId: String(user.id), via: 'change' });
    await em.flush(); // bumps the token version: every earlier token dies
    await this.settle(em, user, { kind: 'password' });
    this.deps.logger.info({ event: 'password_change', userId: user.id }, 'password changed');
  }

  /**
   * Looks the email up, issues a reset token and mails it, all after the
   * answer: the caller learns nothing, not even from the time it took.
   * Limited per client and per address, so nobody mail-bombs one inbox from many IPs.
   */
  async requestPasswordReset(email: string, client: ClientMeta): Promise<void> {
    if (email.length > 254) return;
    const { rateLimiter, background, orm, oneTimeTokens, mail, policy } = this.deps;
    await rateLimiter.consume(['passwordResetIp', throttleSubject(client.ip)], ['passwordResetEmail', emailKey(email)]);
    background.run('password-reset', async () => {
      const em = orm.em.fork() as SqlEntityManager;
      const user = await em.findOne(User, { emailKey: emailKey(email), isActive: true }, { populate: ['password'] });
      if (!user?.email) return;
      const token = await oneTimeTokens.issue(em, user, 'password_reset', policy.passwordResetTimeout);
      await mail.passwordReset(user as User & { email: string }, token);
    });
  }

  /**
   * A new password with a mailed token (single use); ends all sessions.
   * `userId`: the account the link named (rest-auth's `uid`); a token of any
   * other account is TOKEN_INVALID.
   */
  async resetPassword(em: SqlEntityManager, token: string, newPassword: string, opts: { userId?: number } = {}): Promise<void> {
    const { oneTimeTokens, passwords } = this.deps;
    const { row, user } = await oneTimeTokens.peek(em, token, 'password_reset');
    if (opts.userId !== undefined && user.id !== opts.userId) throw new AppError('TOKEN_INVALID');
    checkNewPassword(user, newPassword); // before using the token up, so a typo does not burn it
    await oneTimeTokens.consume(em, row);
    user.password = await passwords.hash(newPassword);
    // The token is bound to the exact address it was mailed to, so following
    // it proved that address, and only that one, is the user's.
    user.emailVerified = true;
    this.deps.audit.record(em, { action: 'password.reset', actor: user });
    await this.deps.outbox.emit(em, 'password.changed', { userId: String(user.id), via: 'reset' });
    await em.flush();
    await this.settle(em, user, { kind: 'password' });
    this.deps.logger.info({ event: 'password_reset', userId: user.id }, 'password reset');
  }

  /** `proof.password` is the current password, or for accounts without one the username typed out. */
  async deleteOwn(em: EntityManager, user: User, proof: Confirmation): Promise<void> {
    await this.deps.reauth.confirmIdentity(em, user, proof, { typedUsername: true });
    await deleteUser(em, user.id, this.deps.deletion, async (tx) => {
      this.deps.audit.record(tx, { action: 'account.deleted', actor: user });
      await this.deps.outbox.emit(tx, 'user.deleted', { userId: String(user.id) });
      await tx.nativeDelete(User, { id: user.id });
    });
    this.deps.logger.info({ event: 'account_deleted', userId: user.id }, 'account deleted by its owner');
  }

  /** The one place a written change is settled: the sessions it ends and the notice it owes. */
  private async settle(em: EntityManager, user: User, change: AccountChange): Promise<void> {
    const { sessions, mail, orm } = this.deps;
    if (change.kind === 'password') {
      await sessions.revokeAll(em, user.id);
      mail.passwordChanged(user, async () => {
        const linked = await orm.em.fork().find(SocialAccount, { user: user.id }, { fields: ['provider'], orderBy: { id: 'asc' } });
        return ['password', ...new Set(linked.map((a) => displayName(a.provider)))];
      });
      return;
    }
    await sendVerification(this.deps, em as SqlEntityManager, user);
    mail.emailChanged(user, change.oldEmail);
  }
}

function checkNewPassword(user: User, password: string): void {
  const problem = passwordProblem(password, [user.username, user.email?.split('@')[0]]);
  if (problem) throw badInput('newPassword', problem);
}

/** The names of the user's fields this unit of work changes (never their values). */
export function changedFields(em: EntityManager, user: User): string[] {
  // Derived keys and bookkeeping are not changes anyone asked for; dateJoined
  // shows up when a stored date round-trips with another precision.
  const hidden = new Set(['password', 'usernameKey', 'emailKey', 'tokenVersion', 'lastLogin', 'dateJoined']);
  em.getUnitOfWork().computeChangeSets();
  const changeSet = em
    .getUnitOfWork()
    .getChangeSets()
    .find((cs) => cs.entity === user);
  return Object.keys(changeSet?.payload ?? {}).filter((f) => !hidden.has(f));
}
