// Creating accounts and checking passwords. Unknown user, wrong password and
// inactive user are one answer (INVALID_CREDENTIALS) in one time: the hash
// work is always done, against a dummy hash when there is no account.
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { User } from '../entities';
import { AppError, badInput } from '../errors';
import { PasswordHasher } from './passwords';
import { passwordProblem } from './password-rules';

export const USERNAME_MAX = 150;
/** Django's default username rule: letters, digits and @ . + - _ */
const USERNAME_RE = /^[\p{L}\p{N}@.+_-]+$/u;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewAccount {
  username: string;
  email?: string | null;
  password?: string | null;
  firstName?: string;
  lastName?: string;
  isStaff?: boolean;
  isSuperuser?: boolean;
  emailVerified?: boolean;
}

export const usernameKey = (username: string): string => username.normalize('NFKC').toLowerCase();
export const emailKey = (email: string): string => email.trim().toLowerCase();

export class AccountService {
  constructor(readonly passwords: PasswordHasher) {}

  /** Checks a username/email/password triple; throws BAD_USER_INPUT naming the field. */
  validate(input: { username: string; email?: string | null; password?: string | null }): void {
    const { username, email, password } = input;
    if (!username || [...username].length > USERNAME_MAX || !USERNAME_RE.test(username)) {
      throw badInput('username', `Usernames are 1–${USERNAME_MAX} letters, digits and @ . + - _ only.`);
    }
    if (email != null && (email.length > 254 || !EMAIL_RE.test(email))) throw badInput('email', 'Enter a valid email address.');
    if (password != null) {
      const problem = passwordProblem(password, [username, email?.split('@')[0]]);
      if (problem) throw badInput('password', problem);
    }
  }

  /**
   * Creates a user. The unique indexes are the real guard: two concurrent
   * registrations of one name both pass the pre-check, one insert wins and the
   * other is reported as the same BAD_USER_INPUT, never as a 500.
   */
  async create(em: EntityManager, input: NewAccount): Promise<User> {
    this.validate(input);
    await this.assertAvailable(em, input.username, input.email);
    const password = input.password != null ? await this.passwords.hash(input.password) : PasswordHasher.unusable();
    const fork = em.fork();
    const user = fork.create(User, {
      username: input.username,
      usernameKey: usernameKey(input.username),
      email: input.email ?? null,
      emailKey: input.email ? emailKey(input.email) : null,
      emailVerified: input.emailVerified ?? false,
      password,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      isStaff: input.isStaff ?? false,
      isSuperuser: input.isSuperuser ?? false,
      dateJoined: new Date(),
    });
    try {
      await fork.persist(user).flush();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      await this.assertAvailable(em.fork(), input.username, input.email);
      throw badInput('username', 'A user with that username already exists.');
    }
    return em.merge(user);
  }

  private async assertAvailable(em: EntityManager, username: string, email?: string | null): Promise<void> {
    if (await em.count(User, { usernameKey: usernameKey(username) })) {
      throw badInput('username', 'A user with that username already exists.');
    }
    if (email && (await em.count(User, { emailKey: emailKey(email) }))) {
      throw badInput('email', 'A user with that email already exists.');
    }
  }

  /** Finds by username or email and checks the password; the same error for every failure. */
  async authenticate(em: EntityManager, login: string, password: string, opts: { requireVerifiedEmail?: boolean } = {}): Promise<User> {
    const key = login.trim().toLowerCase();
    const candidates = key
      ? await em.find(User, { $or: [{ usernameKey: usernameKey(login) }, { emailKey: key }] }, { populate: ['password'], limit: 2 })
      : [];
    // A username match wins over another account's email that happens to look the same.
    const user = candidates.find((u) => u.usernameKey === usernameKey(login)) ?? candidates[0];
    if (!user) {
      await this.passwords.burn(password);
      throw new AppError('INVALID_CREDENTIALS');
    }
    const ok = await this.passwords.verify(user.password, password);
    if (!ok || !user.isActive) throw new AppError('INVALID_CREDENTIALS');
    // Only said after the right password, so it reveals nothing to a guesser.
    if (opts.requireVerifiedEmail && !user.emailVerified) throw new AppError('EMAIL_NOT_VERIFIED');
    if (this.passwords.needsRehash(user.password)) {
      // Same password, stronger hash: written natively so the token-version
      // subscriber does not treat it as a password change and end sessions.
      await em.nativeUpdate(User, { id: user.id }, { password: await this.passwords.hash(password) });
    }
    user.lastLogin = new Date();
    await em.flush();
    return user;
  }
}
