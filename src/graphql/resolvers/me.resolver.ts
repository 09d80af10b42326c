// The signed-in user's own account: email verification, profile changes and
// deletion. Sensitive changes confirm identity first (see auth/reauth.ts).
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { User } from '../../entities';
import { badInput } from '../../errors';
import { emailKey } from '../../accounts/accounts';
import { notifyEmailChanged, sendVerification } from '../../accounts/account-mail';
import { confirmIdentity } from '../../accounts/reauth';
import { UpdateMeInput } from '../types/update-me.input';

@Resolver()
export class MeResolver {
  @Authorized()
  @Mutation(() => Boolean, { description: 'Mails a new verification link. True also when the email is already verified (nothing is sent). Limited per account and per address (RATE_LIMITED).' })
  async requestEmailVerification(@Ctx() ctx: Context): Promise<boolean> {
    const user = await ctx.requireViewer();
    if (!user.email) throw badInput('email', 'This account has no email address.');
    if (user.emailVerified) return true;
    await ctx.services.rateLimiter.consume(['mailUser', String(user.id)], ['mailAddress', emailKey(user.email)]);
    await sendVerification(ctx.services, ctx.em, user);
    return true;
  }

  @Mutation(() => User, { description: 'Confirms an email address with a mailed token (single use).' })
  async verifyEmail(@Arg('token') token: string, @Ctx() ctx: Context): Promise<User> {
    const { services, em } = ctx;
    if (token.length > 4096) throw badInput('token', 'The token is too long.');
    const { row, user } = await services.oneTimeTokens.peek(em, token, 'email_verification');
    await services.oneTimeTokens.consume(em, row);
    user.emailVerified = true;
    await em.flush();
    return user;
  }

  @Authorized()
  @Mutation(() => User)
  async updateMe(@Arg('input') input: UpdateMeInput, @Ctx() ctx: Context): Promise<User> {
    const { services, em } = ctx;
    const user = await ctx.requireViewer();
    if (input.firstName != null) user.firstName = input.firstName;
    if (input.lastName != null) user.lastName = input.lastName;
    const oldEmail = user.email;
    const changingEmail = input.email != null && emailKey(input.email) !== (user.emailKey ?? '');
    if (changingEmail) {
      const email = input.email!;
      await confirmIdentity(ctx, user, input.password);
      services.accounts.validate({ username: user.username, email });
      // Two mails go out (a link to the new address, a notice to the old): no
      // bombing anyone with them. Counted per attempt, so the "taken" answer,
      // which tells that an address has an account, is throttled as well.
      await services.rateLimiter.consume(['mailUser', String(user.id)]);
      if (await em.count(User, { emailKey: emailKey(email), id: { $ne: user.id } })) throw badInput('email', 'A user with that email already exists.');
      await services.rateLimiter.consume(['mailAddress', emailKey(email)]);
      Object.assign(user, { email, emailKey: emailKey(email), emailVerified: false });
    }
    try {
      await em.flush();
    } catch (err) {
      // Someone else took the address between the check and the write.
      if (err instanceof UniqueConstraintViolationException) throw badInput('email', 'A user with that email already exists.');
      throw err;
    }
    if (changingEmail) {
      await sendVerification(services, em, user);
      notifyEmailChanged(services, user, oldEmail);
    }
    return user;
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Deletes the account. `password` is the current password; for accounts without one, sign in with the provider again and type your username instead.',
  })
  async deleteMe(@Arg('password') password: string, @Ctx() ctx: Context): Promise<boolean> {
    const user = await ctx.requireViewer();
    await confirmIdentity(ctx, user, password, { typedUsername: true });
    await ctx.em.nativeDelete(User, { id: user.id });
    ctx.services.logger.info({ event: 'account_deleted', userId: user.id }, 'account deleted by its owner');
    return true;
  }
}
