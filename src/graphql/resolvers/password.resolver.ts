// changePassword, requestPasswordReset, resetPassword. A new password ends
// every earlier session (the token-version bump does it for all tokens at
// once) and the user is told by email.
import { Arg, Args, ArgsType, Authorized, Ctx, Field, Mutation, Resolver } from 'type-graphql';
import { MaxLength } from 'class-validator';
import type { Context } from '../context';
import { throttleSubject } from '../../throttle/client-subject';
import { User } from '../../entities';
import { badInput } from '../../errors';
import { passwordProblem } from '../../accounts/password-rules';
import { emailKey } from '../../accounts/accounts';
import { notifyPasswordChanged, requestPasswordReset } from '../../accounts/account-mail';
import { checkCurrentPassword } from '../../accounts/reauth';
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

function checkNewPassword(user: User, password: string): void {
  const problem = passwordProblem(password, [user.username, user.email?.split('@')[0]]);
  if (problem) throw badInput('newPassword', problem);
}

@Resolver()
export class PasswordResolver {
  @Authorized()
  @Mutation(() => AuthPayload, { description: 'Ends every other session and returns a fresh one.' })
  async changePassword(@Args() { oldPassword, newPassword }: ChangePasswordArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    const { services, em } = ctx;
    const user = await ctx.requireViewer();
    await checkCurrentPassword(ctx, user, oldPassword, 'oldPassword');
    checkNewPassword(user, newPassword);
    user.password = await services.passwords.hash(newPassword);
    await em.flush(); // bumps the token version: every earlier token dies
    await services.sessions.revokeAll(em, user.id);
    notifyPasswordChanged(services, user);
    services.logger.info({ event: 'password_change', userId: user.id }, 'password changed');
    return authPayload(ctx, await services.signIn.pipeline.complete(em, user, { method: 'password_change', client: ctx.client }));
  }

  @Mutation(() => Boolean, { description: 'Mails a reset link if the email belongs to an active account. Always true, in the same time either way.' })
  async requestPasswordReset(@Arg('email') email: string, @Ctx() ctx: Context): Promise<boolean> {
    if (email.length > 254) return true;
    // Per address too, so nobody can mail-bomb one inbox from many IPs.
    await ctx.services.rateLimiter.consume(['passwordResetIp', throttleSubject(ctx.client.ip)], ['passwordResetEmail', emailKey(email)]);
    requestPasswordReset(ctx.services, email);
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sets a new password with a mailed token (single use, expires after PASSWORD_RESET_TIMEOUT); ends all sessions.' })
  async resetPassword(@Args() { token, newPassword }: ResetPasswordArgs, @Ctx() ctx: Context): Promise<boolean> {
    const { services, em } = ctx;
    const { row, user } = await services.oneTimeTokens.peek(em, token, 'password_reset');
    checkNewPassword(user, newPassword); // before using the token up, so a typo does not burn it
    await services.oneTimeTokens.consume(em, row);
    user.password = await services.passwords.hash(newPassword);
    // The token is bound to the exact address it was mailed to, so following
    // it proved that address, and only that one, is the user's.
    user.emailVerified = true;
    await em.flush();
    await services.sessions.revokeAll(em, user.id);
    notifyPasswordChanged(services, user);
    services.logger.info({ event: 'password_reset', userId: user.id }, 'password reset');
    return true;
  }
}
