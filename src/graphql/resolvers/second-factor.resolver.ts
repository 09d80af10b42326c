// verifySecondFactor, TOTP and recovery-code management, a superuser's reset,
// and User.secondFactors. Adapters only: the rules are in second-factor/ and
// sign-in/second-factor.ts.
import { JSONResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { User } from '../../entities';
import { badInput } from '../../errors';
import type { Context } from '../context';
import { authPayload } from '../payload';
import { confirmation } from '../reauth';
import { AuthPayload } from '../types/auth-payload.type';
import { SecondFactors, TotpEnrollment } from '../types/second-factors.type';

const sessionId = (ctx: Context) => (ctx.auth.kind === 'token' ? ctx.auth.claims.sid : null);

@Resolver()
export class SecondFactorResolver {
  @Mutation(() => AuthPayload, {
    description:
      'The second step of a sign-in that answered SECOND_FACTOR_REQUIRED: the challengeToken and one of code (TOTP), recoveryCode or passkeyResponse. Wrong answers: SECOND_FACTOR_INVALID (5 spend the challenge).',
  })
  async verifySecondFactor(
    @Arg('challengeToken') challengeToken: string,
    @Ctx() ctx: Context,
    @Arg('code', () => String, { nullable: true }) code?: string | null,
    @Arg('recoveryCode', () => String, { nullable: true }) recoveryCode?: string | null,
    @Arg('passkeyResponse', () => JSONResolver, { nullable: true }) passkeyResponse?: unknown,
  ): Promise<AuthPayload> {
    const answer = { code, recoveryCode, passkeyResponse };
    return authPayload(ctx, await ctx.services.signIn.secondFactor.verify(ctx.em, challengeToken, answer, ctx.client));
  }

  @Authorized()
  @Mutation(() => TotpEnrollment, {
    description: 'Starts setting up an authenticator app (the password confirms it is you, as updateMe asks). Nothing changes until confirmTotpEnrollment.',
  })
  async beginTotpEnrollment(@Ctx() ctx: Context, @Arg('password', () => String, { nullable: true }) password?: string | null): Promise<TotpEnrollment> {
    return Object.assign(new TotpEnrollment(), await ctx.services.secondFactors.totp.begin(ctx.em, await ctx.requireViewer(), confirmation(ctx, password)));
  }

  @Authorized()
  @Mutation(() => [String], {
    description: 'Turns TOTP on with a first code from the app; returns 10 recovery codes, shown once, and ends every other session.',
  })
  async confirmTotpEnrollment(@Arg('code') code: string, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.services.secondFactors.totp.confirm(ctx.em, await ctx.requireViewer(), code, sessionId(ctx));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Turns TOTP off; `code` is a current TOTP code or a recovery code. The recovery codes go with it.' })
  async disableTotp(
    @Arg('code') code: string,
    @Ctx() ctx: Context,
    @Arg('password', () => String, { nullable: true }) password?: string | null,
  ): Promise<boolean> {
    await ctx.services.secondFactors.totp.disable(ctx.em, await ctx.requireViewer(), confirmation(ctx, password), code);
    return true;
  }

  @Authorized()
  @Mutation(() => [String], { description: 'A new set of 10 recovery codes (the old ones stop working); `code`: a TOTP or recovery code.' })
  async regenerateRecoveryCodes(
    @Arg('code') code: string,
    @Ctx() ctx: Context,
    @Arg('password', () => String, { nullable: true }) password?: string | null,
  ): Promise<string[]> {
    return ctx.services.secondFactors.totp.regenerateRecoveryCodes(ctx.em, await ctx.requireViewer(), confirmation(ctx, password), code);
  }

  @Authorized('SUPERUSER')
  @Mutation(() => Boolean, { description: 'Superusers only: removes every second factor of a user (TOTP, recovery codes, passkeys) and mails them.' })
  async resetSecondFactors(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<boolean> {
    const id = Number(userId);
    if (!Number.isSafeInteger(id) || id <= 0) throw badInput('userId', 'There is no such user.');
    await ctx.services.secondFactors.overview.reset(ctx.em, await ctx.requireViewer(), id);
    return true;
  }
}

@Resolver(() => User)
export class UserSecondFactorsResolver {
  @FieldResolver(() => SecondFactors, { nullable: true, description: 'The user themself and staff; null for everyone else.' })
  async secondFactors(@Root() user: User, @Ctx() ctx: Context): Promise<SecondFactors | null> {
    const state = await ctx.services.secondFactors.overview.of(ctx.em, await ctx.viewer(), user);
    return state && Object.assign(new SecondFactors(), state);
  }
}
