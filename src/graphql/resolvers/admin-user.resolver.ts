// Staff user management (what DRF's ModelViewSet gave the Django project).
// Staff may manage ordinary users; only superusers grant or take away
// isStaff/isSuperuser, or touch a staff or superuser account (a staff member
// who could reset a colleague's password would have the colleague's access).
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { User } from '../../entities';
import { AppError, badInput } from '../../errors';
import { assertUsernameNotForeignEmail, emailKey, usernameKey } from '../../accounts/accounts';
import { CreateUserInput, UpdateUserInput } from '../types/admin-user.input';

const forbidden = (why: string) => new AppError('FORBIDDEN', why);

async function target(ctx: Context, id: string): Promise<User> {
  const user = /^\d{1,15}$/.test(id) ? await ctx.em.findOne(User, Number(id)) : null;
  if (!user) throw badInput('id', 'No user with that id.');
  const viewer = await ctx.requireViewer();
  // Their own too: updateMe and changePassword re-check the password, updateUser does not.
  if ((user.isStaff || user.isSuperuser) && !viewer.isSuperuser) throw forbidden('Only superusers can change a staff member or a superuser.');
  return user;
}

@Resolver()
export class AdminUserResolver {
  @Authorized('STAFF')
  @Mutation(() => User, { description: 'Staff only. Granting isStaff or isSuperuser: superusers only.' })
  async createUser(@Arg('input') input: CreateUserInput, @Ctx() ctx: Context): Promise<User> {
    const viewer = await ctx.requireViewer();
    if ((input.isStaff || input.isSuperuser) && !viewer.isSuperuser) throw forbidden('Only superusers can grant isStaff or isSuperuser.');
    const user = await ctx.services.accounts.create(ctx.em, {
      username: input.username,
      email: input.email ?? null,
      password: input.password ?? null,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      isStaff: input.isStaff ?? false,
      isSuperuser: input.isSuperuser ?? false,
      emailVerified: input.emailVerified ?? false,
    });
    if (input.isActive === false) {
      user.isActive = false;
      await ctx.em.flush();
    }
    ctx.services.logger.info({ event: 'user_created', by: viewer.id, userId: user.id }, 'user created by staff');
    return user;
  }

  @Authorized('STAFF')
  @Mutation(() => User, { description: 'Staff only, for ordinary users. A staff or superuser account (your own too), or isStaff/isSuperuser: superusers only.' })
  async updateUser(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateUserInput, @Ctx() ctx: Context): Promise<User> {
    const { services, em } = ctx;
    const viewer = await ctx.requireViewer();
    const user = await target(ctx, id);
    const privileged = (input.isStaff != null && input.isStaff !== user.isStaff) || (input.isSuperuser != null && input.isSuperuser !== user.isSuperuser);
    if (privileged && !viewer.isSuperuser) throw forbidden('Only superusers can grant or remove isStaff or isSuperuser.');
    services.accounts.validate({ username: input.username ?? user.username, email: input.email ?? null, password: input.password ?? null });
    if (input.username != null && usernameKey(input.username) !== user.usernameKey) assertUsernameNotForeignEmail(input.username, input.email ?? user.email);
    if (input.username != null) Object.assign(user, { username: input.username, usernameKey: usernameKey(input.username) });
    // A new address is unverified unless staff say otherwise in the same change.
    if (input.email != null && input.email !== user.email) Object.assign(user, { email: input.email, emailKey: emailKey(input.email), emailVerified: false });
    if (input.password != null) user.password = await services.passwords.hash(input.password);
    for (const key of ['firstName', 'lastName', 'isActive', 'emailVerified', 'isStaff', 'isSuperuser'] as const) {
      if (input[key] != null) (user as unknown as Record<string, unknown>)[key] = input[key];
    }
    try {
      await em.flush(); // a new password or isActive=false bumps the token version
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw badInput(input.email != null ? 'email' : 'username', 'That username or email is taken.');
      throw err;
    }
    if (input.password != null || input.isActive === false) await services.sessions.revokeAll(em, user.id);
    services.logger.info({ event: 'user_updated', by: viewer.id, userId: user.id, fields: Object.keys(input) }, 'user updated by staff');
    return user;
  }

  @Authorized('STAFF')
  @Mutation(() => Boolean, { description: 'Staff only, for ordinary users. A staff or superuser account: superusers only. Not yourself (use deleteMe).' })
  async deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const viewer = await ctx.requireViewer();
    if (Number(id) === viewer.id) throw forbidden('Use deleteMe to delete your own account.');
    const user = await target(ctx, id);
    await ctx.em.nativeDelete(User, { id: user.id });
    ctx.services.logger.info({ event: 'user_deleted', by: viewer.id, userId: user.id }, 'user deleted by staff');
    return true;
  }
}
