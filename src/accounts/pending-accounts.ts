// Under ACCOUNT_EMAIL_VERIFICATION=mandatory an account nobody has ever
// signed into whose email is unconfirmed is pending: it cannot sign in yet,
// and other users do not see it (staff do). A registration with an email
// that already had an account makes such an account too (auth/registration.ts),
// so hiding both keeps `user(id)` and `users` from telling them apart.
import type { QueryBuilder } from '@mikro-orm/knex';
import type { Context } from '../graphql/context';
import type { User } from '../entities';

async function hidesPending(ctx: Context): Promise<boolean> {
  if (ctx.services.config.account.emailVerification !== 'mandatory') return false;
  const viewer = await ctx.viewer();
  return !(viewer?.isStaff || viewer?.isSuperuser);
}

const isPending = (user: User) => !user.emailVerified && user.lastLogin == null;

/** Leaves pending accounts out of a users query the viewer may not see them in. */
export async function excludePending(qb: QueryBuilder<User>, ctx: Context): Promise<void> {
  if (await hidesPending(ctx)) qb.andWhere({ $or: [{ emailVerified: true }, { lastLogin: { $ne: null } }] });
}

/** The user, or null when it is pending and the viewer is not staff (a pending account cannot be the viewer). */
export async function visibleUser(ctx: Context, user: User | null): Promise<User | null> {
  if (!user || !isPending(user)) return user;
  return (await hidesPending(ctx)) ? null : user;
}
