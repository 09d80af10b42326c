// Linking verified provider identities to users. Guarantees:
// - an identity is (provider, uid) and nothing else: Kakao 123 and Facebook
//   123 are two people, and an email alone never signs anyone in;
// - the unique indexes are the real guard: when two first sign-ins race, one
//   insert wins, the other transaction rolls back and runs again, finding the
//   winner's row, so both answers carry the same user (never a 500);
// - a provider email equal to an existing account's email signs into that
//   account only with SOCIAL_CONNECT_BY_EMAIL and both sides verified;
//   otherwise EMAIL_CONFLICT: the person signs in and connects the provider;
//   an Apple private relay address never links (it is Apple's address, not
//   proof of the person's own);
// - the name the app passes on (Apple's first authorisation) names a new
//   user only: an existing one is never renamed;
// - an inactive user is refused exactly like a password sign-in.

import { randomBytes } from 'node:crypto';
import { type EntityManager, LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { capturesEmail, emailKey, USERNAME_MAX, usernameKey } from '../accounts/accounts';
import { PasswordHasher } from '../accounts/passwords';
import type { AuditLog } from '../audit/audit-log';
import { SocialAccount, type SocialProvider, User } from '../entities';
import { AppError, socialAuthFailed, withReason } from '../errors';
import type { Outbox } from '../events/outbox';
import type { VerifiedSocial } from './social-auth';

export interface SocialSignIn {
  user: User;
  account: SocialAccount;
  isNewUser: boolean;
}

const MAX_ATTEMPTS = 3;
/** What the username rule in accounts.ts does not allow; dropped from nicknames. */
const NOT_USERNAME_CHARS = /[^\p{L}\p{N}@.+_-]/gu;
const STEM_LENGTH = 30;
/** Room for `_` and a 6-character suffix within USERNAME_MAX. */
const FALLBACK_MAX = USERNAME_MAX - 7;
const MAX_EMAIL_LENGTH = 254;

export class SocialAccountService {
  constructor(
    private readonly connectByEmail: boolean,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
  ) {}

  /** Signs in with a verified profile, creating the user on first sight. */
  signIn(em: EntityManager, provider: SocialProvider, profile: VerifiedSocial): Promise<SocialSignIn> {
    return retryOnConflict(() => em.transactional((tx) => this.signInOnce(tx, provider, profile)));
  }

  /**
   * Links a verified profile to the signed-in user (again: idempotent, and
   * `created` is false). `field` names the token argument in errors.
   */
  connect(
    em: EntityManager,
    userId: number,
    provider: SocialProvider,
    profile: VerifiedSocial,
    field = 'accessToken',
  ): Promise<{ account: SocialAccount; created: boolean }> {
    return retryOnConflict(() =>
      em.transactional(async (tx) => {
        const existing = await tx.findOne(SocialAccount, { provider, uid: profile.uid });
        if (existing && existing.user.id !== userId) {
          throw new AppError('BAD_USER_INPUT', 'That provider account is already connected to another user.', { field });
        }
        const account = existing ?? tx.create(SocialAccount, { provider, uid: profile.uid, user: tx.getReference(User, userId) });
        remember(account, profile);
        if (!existing) await this.linked(tx, userId, provider, 'social_account.linked');
        await tx.flush();
        return { account, created: !existing };
      }),
    );
  }

  /** Unlinks one of the user's accounts and returns it; null when it is not theirs. Refused when it is their last way in. */
  disconnect(em: EntityManager, userId: number, accountId: number): Promise<SocialAccount | null> {
    return em.transactional(async (tx) => {
      // The row lock (PostgreSQL; SQLite serialises writers anyway) keeps two
      // concurrent disconnects from each seeing the other account as a way in.
      const user = await tx.findOneOrFail(User, userId, { populate: ['password'], lockMode: LockMode.PESSIMISTIC_WRITE });
      const accounts = await tx.find(SocialAccount, { user: userId });
      const target = accounts.find((a) => a.id === accountId);
      if (!target) return null;
      if (accounts.length === 1 && !PasswordHasher.isUsable(user.password)) {
        throw withReason('BAD_USER_INPUT', 'LAST_SIGN_IN_METHOD', 'This is your only way to sign in: set a password or connect another account first.', {
          field: 'id',
        });
      }
      tx.remove(target);
      await this.linked(tx, userId, target.provider, 'social_account.unlinked');
      await tx.flush();
      return target;
    });
  }

  private async signInOnce(tx: EntityManager, provider: SocialProvider, profile: VerifiedSocial): Promise<SocialSignIn> {
    const now = new Date();
    const findAccount = () => tx.findOne(SocialAccount, { provider, uid: profile.uid }, { populate: ['user'] });
    const existing = await findAccount();
    if (existing) return record(tx, existing, profile, now, false);

    const email = profile.email && profile.email.length <= MAX_EMAIL_LENGTH && profile.email.includes('@') ? profile.email : null;
    const holder = email ? await tx.findOne(User, { emailKey: emailKey(email) }) : null;
    if (holder) {
      // Under READ COMMITTED a racing first sign-in of this same identity may
      // have committed its user between our two reads: look for its account again.
      const raced = await findAccount();
      if (raced) return record(tx, raced, profile, now, false);
      if (!(this.connectByEmail && profile.emailVerified && !profile.relayEmail && holder.emailVerified)) throw socialAuthFailed('EMAIL_CONFLICT');
    }
    const user = holder ?? (await newUser(tx, provider, profile, email, now));
    const account = tx.create(SocialAccount, { provider, uid: profile.uid, user, dateJoined: now });
    const signedIn = await record(tx, account, profile, now, !holder);
    // Written by the transaction's closing flush, with the user and the account (the session comes after, in the pipeline).
    if (!holder) {
      await this.outbox.emit(tx, 'user.created', { userId: String(user.id), method: `social:${provider}` });
      this.audit.record(tx, { action: 'user.registered', actor: user, detail: { method: `social:${provider}` } });
    }
    await this.linked(tx, user.id, provider, 'social_account.linked');
    return signedIn;
  }

  private async linked(
    tx: EntityManager,
    userId: number,
    provider: SocialProvider,
    action: 'social_account.linked' | 'social_account.unlinked',
  ): Promise<void> {
    this.audit.record(tx, { action, actor: { id: userId }, detail: { provider } });
    await this.outbox.emit(tx, action, { userId: String(userId), provider });
  }
}

async function record(tx: EntityManager, account: SocialAccount, profile: VerifiedSocial, now: Date, isNewUser: boolean): Promise<SocialSignIn> {
  const user = account.user;
  if (!user.isActive) throw new AppError('INVALID_CREDENTIALS');
  account.lastLogin = now;
  remember(account, profile);
  // User.lastLogin is written by the sign-in pipeline, with the session.
  await tx.flush();
  return { user, account, isNewUser };
}

/** What each sign-in or link updates on the account: the profile, the relay address, a new Apple refresh token. */
function remember(account: SocialAccount, profile: VerifiedSocial): void {
  account.extraData = profile.extra;
  if (profile.relayEmail !== undefined) {
    const relay = profile.relayEmail ? profile.email : null;
    // A new relay address starts out forwarding; Apple's notifications say otherwise.
    if (relay !== (account.relayEmail ?? null)) account.relayEmailEnabled = true;
    account.relayEmail = relay;
  }
  if (profile.providerToken) account.providerToken = profile.providerToken;
}

/** A user who can only sign in through the provider (unusable password). The email is free: checked above. */
async function newUser(tx: EntityManager, provider: SocialProvider, profile: VerifiedSocial, email: string | null, now: Date): Promise<User> {
  const username = await freeUsername(tx, provider, profile, email);
  return tx.create(User, {
    ...(profile.givenName ?? {}),
    username,
    usernameKey: usernameKey(username),
    email,
    emailKey: email ? emailKey(email) : null,
    emailVerified: email !== null && profile.emailVerified,
    password: PasswordHasher.unusable(),
    dateJoined: now,
  });
}

/**
 * The nickname made into a username, then with a random suffix, then
 * `<provider>_<uid>`. A nickname that is an email address other than the
 * user's own is never used: it would pose as that address.
 */
async function freeUsername(tx: EntityManager, provider: SocialProvider, profile: VerifiedSocial, email: string | null): Promise<string> {
  // Opaque ids (Apple's, Naver's base64) may hold characters the username rule
  // refuses, or be long; without an `@` the fallback never looks like an email.
  const fallback = `${provider}_${profile.uid.replace(NOT_USERNAME_CHARS, '').replace(/@/g, '')}`.slice(0, FALLBACK_MAX);
  const cleaned = (profile.name ?? '').normalize('NFKC').trim().replace(/\s+/g, '_').replace(NOT_USERNAME_CHARS, '');
  const stem = [...cleaned].slice(0, STEM_LENGTH).join('');
  const suffix = () => randomBytes(3).toString('hex');
  const candidates = (stem ? [stem, `${stem}_${suffix()}`] : []).filter((c) => !capturesEmail(c, email));
  for (const candidate of [...candidates, fallback]) {
    if ((await tx.count(User, { usernameKey: usernameKey(candidate) })) === 0) return candidate;
  }
  return `${fallback}_${suffix()}`;
}

/** Runs a transaction again when a unique index refused it: the re-run sees the row that won. */
async function retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException) || n >= MAX_ATTEMPTS) throw err;
    }
  }
}
