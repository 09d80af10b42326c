// Staff user management; the rules (who may change whom) are in
// accounts/staff-accounts.ts.
import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { User } from '../../entities';
import type { Context } from '../context';
import { CreateUserInput, UpdateUserInput } from '../types/admin-user.input';

@Resolver()
export class AdminUserResolver {
  @Authorized('STAFF')
  @Mutation(() => User, { description: 'Staff only. Granting isStaff or isSuperuser: superusers only.' })
  async createUser(@Arg('input') input: CreateUserInput, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.staffAccounts.create(ctx.em, await ctx.requireViewer(), input);
  }

  @Authorized('STAFF')
  @Mutation(() => User, {
    description: 'Staff only, for ordinary users. A staff or superuser account (your own too), or isStaff/isSuperuser: superusers only.',
  })
  async updateUser(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateUserInput, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.staffAccounts.update(ctx.em, await ctx.requireViewer(), id, input);
  }

  @Authorized('STAFF')
  @Mutation(() => Boolean, { description: 'Staff only, for ordinary users. A staff or superuser account: superusers only. Not yourself (use deleteMe).' })
  async deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.staffAccounts.delete(ctx.em, await ctx.requireViewer(), id);
    return true;
  }
}
