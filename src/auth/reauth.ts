// Confirming it is really the account holder before a sensitive change
// (email change, account deletion). With a usable password: the password.
// Without one (social-only accounts): a sign-in within the last
// REAUTH_WINDOW seconds — the session's first sign-in (orig_iat), which a
// refresh cannot renew — plus, for deletion, the username typed out.
import type { Context } from '../context';
import type { User } from '../entities';
import { badInput } from '../errors';
import { PasswordHasher } from './passwords';

export const REAUTH_WINDOW = 600;

export async function confirmIdentity(ctx: Context, user: User, password: string | null | undefined, opts: { typedUsername?: boolean } = {}): Promise<void> {
  const em = ctx.em;
  await em.populate(user, ['password']);
  if (PasswordHasher.isUsable(user.password)) {
    const ok = password != null && (await ctx.services.passwords.verify(user.password, password));
    if (!ok) throw badInput('password', 'The password is not correct.');
    return;
  }
  const signedInAt = ctx.auth.kind === 'token' ? ctx.auth.claims.orig_iat : 0;
  if (Date.now() / 1000 - signedInAt > REAUTH_WINDOW) {
    throw badInput('password', `This account has no password: sign in again with your provider (within ${REAUTH_WINDOW / 60} minutes) to confirm.`);
  }
  if (opts.typedUsername && password !== user.username) {
    throw badInput('password', 'This account has no password: type your username to confirm.');
  }
}
