// Creating accounts and checking passwords. Unknown user, wrong password and
// inactive user are one answer (INVALID_CREDENTIALS) in one time: the hash
// work is always done, against a dummy hash when there is no account.
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { User } from '../entities';
import { AppError, badInput } from '../errors';
import type { Outbox } from '../events/outbox';
import { passwordProblem } from './password-rules';
import { PasswordHasher } from './passwords';

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
  /** How the account came to be, for user.created (register, social:…, staff, cli, import). */
  via?: string;
  /** Runs inside the insert's transaction, after the row has its id (the caller's audit row). */
  written?: (tx: EntityManager, user: User) => Promise<void> | void;
}

/** The one email syntax rule (register, profile changes, and the REST endpoints' email fields). */
export const isValidEmail = (email: string): boolean => email.length <= 254 && EMAIL_RE.test(email);

export const usernameKey = (username: string): string => username.normalize('NFKC').toLowerCase();
export const emailKey = (email: string): string => email.trim().toLowerCase();

/**
 * True when a username would pose as an email address other than the
 * account's own (compared NFKC-folded, ignoring case): it would show as that
 * address and could catch sign-ins typed with it.
 */
export function capturesEmail(username: string, ownEmail: string | null | undefined): boolean {
  const key = usernameKey(username);
  return EMAIL_RE.test(key) && key !== (ownEmail ? usernameKey(emailKey(ownEmail)) : null);
}

/** For every username authql is asked to set (imported Django names are not asked). */
export function assertUsernameNotForeignEmail(username: string, ownEmail: string | null | undefined): void {
  if (capturesEmail(username, ownEmail)) throw badInput('username', 'A username cannot be an email address other than the account’s own.');
}

const usernameTaken = () => badInput('username', 'A user with that username already exists.');
const emailTaken = () => badInput('email', 'A user with that email already exists.');

export class AccountStore {
  constructor(
    readonly passwords: PasswordHasher,
    private readonly outbox: Outbox,
  ) {}

  /** Checks a username/email/password triple; throws BAD_USER_INPUT naming the field. */
  validate(input: { username: string; email?: string | null; password?: string | null }): void {
    const { username, email, password } = input;
    if (!username || [...username].length > USERNAME_MAX || !USERNAME_RE.test(username)) {
      throw badInput('username', `Usernames are 1–${USERNAME_MAX} letters, digits and @ . + - _ only.`);
    }
    if (email != null && !isValidEmail(email)) throw badInput('email', 'Enter a valid email address.');
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
    return (await this.insert(em, input, false)).user;
  }

  /**
   * create(), except that an email another account holds is not refused: the
   * new account is made without it (after the same checks and the same
   * hashing) and `holder` is the account that has it. For register under
   * mandatory verification, which must not tell which emails exist.
   */
  createHidingTakenEmail(em: EntityManager, input: NewAccount): Promise<{ user: User; holder: User | null }> {
    return this.insert(em, input, true);
  }

  private async insert(em: EntityManager, input: NewAccount, hideTakenEmail: boolean): Promise<{ user: User; holder: User | null }> {
    this.validate(input);
    assertUsernameNotForeignEmail(input.username, input.email);
    await this.assertUsernameFree(em, input.username);
    let holder = await this.emailHolder(em, input.email);
    if (holder && !hideTakenEmail) throw emailTaken();
    const password = input.password != null ? await this.passwords.hash(input.password) : PasswordHasher.unusable();
    for (let retried = false; ; retried = true) {
      try {
        return { user: await this.write(em, input, holder ? null : input.email, password), holder };
      } catch (err) {
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
        // Lost a race: report what the winner took, or (hiding) write again without the email.
        await this.assertUsernameFree(em.fork(), input.username);
        holder = await this.emailHolder(em.fork(), input.email);
        if (!holder || retried) throw usernameTaken();
        if (!hideTakenEmail) throw emailTaken();
      }
    }
  }

  private async write(em: EntityManager, input: NewAccount, email: string | null | undefined, password: string): Promise<User> {
    // user.created and the caller's audit row commit with the row, or none of them does.
    const user = await em.fork().transactional(async (tx) => {
      const created = tx.create(User, {
        username: input.username,
        usernameKey: usernameKey(input.username),
        email: email ?? null,
        emailKey: email ? emailKey(email) : null,
        emailVerified: input.emailVerified ?? false,
        password,
        firstName: input.firstName ?? '',
        lastName: input.lastName ?? '',
        isStaff: input.isStaff ?? false,
        isSuperuser: input.isSuperuser ?? false,
        dateJoined: new Date(),
      });
      await tx.flush();
      await this.outbox.emit(tx, 'user.created', { userId: String(created.id), method: input.via ?? 'account' });
      await input.written?.(tx, created);
      return created;
    });
    return em.merge(user);
  }

  private async assertUsernameFree(em: EntityManager, username: string): Promise<void> {
    if (await em.count(User, { usernameKey: usernameKey(username) })) throw usernameTaken();
  }

  private emailHolder(em: EntityManager, email: string | null | undefined): Promise<User | null> {
    return email ? em.findOne(User, { emailKey: emailKey(email) }) : Promise.resolve(null);
  }

  /**
   * The account a sign-in name refers to, without checking any password (the
   * throttle is keyed by it first). With an `@` the email's holder wins, so a
   * username shaped like someone's email cannot catch their sign-ins.
   */
  async findByLogin(em: EntityManager, login: string): Promise<User | null> {
    const name = usernameKey(login.trim());
    const mail = emailKey(login);
    if (!name) return null;
    const candidates = await em.find(User, { $or: [{ usernameKey: name }, { emailKey: mail }] }, { populate: ['password'], limit: 2 });
    const byEmail = candidates.find((u) => u.emailKey === mail);
    const byName = candidates.find((u) => u.usernameKey === name);
    return (name.includes('@') ? (byEmail ?? byName) : (byName ?? byEmail)) ?? null;
  }

  /** Checks the password of the account findByLogin found (or of none); the same error for every failure. lastLogin is the sign-in pipeline's. */
  async checkPassword(em: EntityManager, user: User | null, password: string, opts: { requireVerifiedEmail?: boolean } = {}): Promise<User> {
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
    return user;
  }
}
