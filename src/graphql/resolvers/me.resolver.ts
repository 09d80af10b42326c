// The signed-in user's own account: email verification, profile changes and
// deletion. Sensitive changes confirm identity first (accounts/reauth.ts).
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { User } from '../../entities';
import type { Context } from '../context';
import { confirmation } from '../reauth';
import { UpdateMeInput } from '../types/update-me.input';

@Resolver()
export class MeResolver {
  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Mails a new verification link. True also when the email is already verified (nothing is sent). Limited per account and per address (RATE_LIMITED).',
  })
  async requestEmailVerification(@Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.accounts.requestEmailVerification(ctx.em, await ctx.requireViewer());
    return true;
  }

  @Mutation(() => User, { description: 'Confirms an email address with a mailed token (single use).' })
  verifyEmail(@Arg('token') token: string, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.accounts.verifyEmail(ctx.em, token);
  }

  @Authorized()
  @Mutation(() => User)
  async updateMe(@Arg('input') { password, ...input }: UpdateMeInput, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.accounts.updateProfile(ctx.em, await ctx.requireViewer(), input, confirmation(ctx, password));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Deletes the account. `password` is the current password; for accounts without one, sign in with the provider again and type your username instead.',
  })
  async deleteMe(@Arg('password') password: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.accounts.deleteOwn(ctx.em, await ctx.requireViewer(), confirmation(ctx, password));
    return true;
  }
}
