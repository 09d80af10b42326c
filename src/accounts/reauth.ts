// Confirming it is really the account holder before a sensitive change
// (password or email change, account deletion, linking a provider). With a
// usable password: the password. Without one (social-only accounts): a
// sign-in within the last REAUTH_WINDOW seconds — the session's first
// sign-in (orig_iat), which a refresh cannot renew — plus, for deletion, the
// username typed out.
//
// A stolen access token must not turn these checks into a guessing oracle:
// wrong passwords count per user (RATE_LIMIT_REAUTH), before any hashing.
import type { Context } from '../graphql/context';
import type { User } from '../entities';
import { badInput } from '../errors';
import { PasswordHasher } from './passwords';

export const REAUTH_WINDOW = 600;
/** Longer inputs are wrong without hashing them (the GraphQL arguments cap them too). */
const MAX_PASSWORD_LENGTH = 256;

/**
 * Checks the current password of `user`, throwing BAD_USER_INPUT on `field`
 * when it is wrong. One attempt is counted before any hashing (RATE_LIMITED
 * once over the budget); the right password clears the failures, as a
 * sign-in does.
 */
export async function checkCurrentPassword(ctx: Context, user: User, password: string | null | undefined, field: string): Promise<void> {
  await ctx.em.populate(user, ['password']);
  return countedCheck(ctx, user, password, field);
}

async function countedCheck(ctx: Context, user: User, password: string | null | undefined, field: string): Promise<void> {
  const { rateLimiter, passwords } = ctx.services;
  const subject = String(user.id);
  await rateLimiter.consume(['reauth', subject]);
  const ok = password != null && password.length <= MAX_PASSWORD_LENGTH && (await passwords.verify(user.password, password));
  if (!ok) throw badInput(field, field === 'oldPassword' ? 'The current password is not correct.' : 'The password is not correct.');
  await rateLimiter.clear('reauth', subject);
}

export async function confirmIdentity(ctx: Context, user: User, password: string | null | undefined, opts: { typedUsername?: boolean } = {}): Promise<void> {
  await ctx.em.populate(user, ['password']);
  if (PasswordHasher.isUsable(user.password)) return countedCheck(ctx, user, password, 'password');
  const signedInAt = ctx.auth.kind === 'token' ? ctx.auth.claims.orig_iat : 0;
  if (Date.now() / 1000 - signedInAt > REAUTH_WINDOW) {
    throw badInput('password', `This account has no password: sign in again with your provider (within ${REAUTH_WINDOW / 60} minutes) to confirm.`);
  }
  if (opts.typedUsername && password !== user.username) {
    throw badInput('password', 'This account has no password: type your username to confirm.');
  }
}
