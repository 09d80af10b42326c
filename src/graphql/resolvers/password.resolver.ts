// changePassword, requestPasswordReset, resetPassword. A new password ends
// every earlier session (the token-version bump does it for all tokens at
// once) and the user is told by email (accounts/account.service.ts).
import { MaxLength } from 'class-validator';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { authPayload } from '../payload';
import { AuthPayload } from '../types/auth-payload.type';

@ArgsType()
class ChangePasswordArgs {
  @Field() @MaxLength(256) oldPassword!: string;
  @Field() @MaxLength(256) newPassword!: string;
}

@ArgsType()
class ResetPasswordArgs {
  @Field() @MaxLength(4096) token!: string;
  @Field() @MaxLength(256) newPassword!: string;
}

@Resolver()
export class PasswordResolver {
  @Authorized()
  @Mutation(() => AuthPayload, { description: 'Ends every other session and returns a fresh one.' })
  async changePassword(@Args() { oldPassword, newPassword }: ChangePasswordArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    const user = await ctx.requireViewer();
    const amr = ctx.auth.kind === 'token' ? ctx.auth.claims.amr : undefined;
    return authPayload(ctx, await ctx.services.signIn.passwordChange.changePassword(ctx.em, user, oldPassword, newPassword, ctx.client, amr));
  }

  @Mutation(() => Boolean, { description: 'Mails a reset link if the email belongs to an active account. Always true, in the same time either way.' })
  async requestPasswordReset(@Arg('email') email: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.accounts.requestPasswordReset(email, ctx.client);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sets a new password with a mailed token (single use, expires after PASSWORD_RESET_TIMEOUT); ends all sessions.' })
  async resetPassword(@Args() { token, newPassword }: ResetPasswordArgs, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.accounts.resetPassword(ctx.em, token, newPassword);
    return true;
  }
}
