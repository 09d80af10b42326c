// register, login, refreshToken, verifyToken, revokeToken, logout: the
// djangorestframework-jwt and rest-auth endpoints, with rotation and
// revocation added.
import { Arg, Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { AppError, unauthenticated, withReason } from '../../errors';
import { checkAccessClaims } from '../../sessions/access';
import { MAX_TOKEN_LENGTH } from '../../sessions/sessions';
import type { Context } from '../context';
import { authPayload, clearCredentials, refreshTokenFrom, registerPayload } from '../payload';
import { AuthPayload, RegisterPayload, VerifyTokenPayload } from '../types/auth-payload.type';
import { LoginArgs } from '../types/login.args';
import { RegisterInput } from '../types/register.input';
import { TokenPayload } from '../types/token-payload.type';

/** An over-long token is refused before any lookup. */
const boundedToken = (raw: string): string => {
  if (raw.length > MAX_TOKEN_LENGTH) throw new AppError('TOKEN_INVALID');
  return raw;
};

@Resolver()
export class AuthResolver {
  @Mutation(() => RegisterPayload, {
    description:
      'Creates an account, mails a verification link and (unless verification is mandatory) signs it in. Under mandatory verification an email that already has an account answers like a fresh one and its owner is mailed instead.',
  })
  async register(@Arg('input') input: RegisterInput, @Ctx() ctx: Context): Promise<RegisterPayload> {
    return registerPayload(ctx, await ctx.services.signIn.registration.register(ctx.em, input, ctx.client));
  }

  @Mutation(() => AuthPayload, { description: '`username` may also be the account email.' })
  async login(@Args() { username, password }: LoginArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    return authPayload(ctx, await ctx.services.signIn.password.signIn(ctx.em, username, password, ctx.client));
  }

  @Mutation(() => AuthPayload, {
    description: 'Rotates a refresh token (the argument, or in cookie mode the cookie): a new pair; the old refresh token stops working.',
  })
  async refreshToken(@Arg('refreshToken', () => String, { nullable: true }) arg: string | null, @Ctx() ctx: Context): Promise<AuthPayload> {
    return authPayload(ctx, await ctx.services.signIn.refresh.refresh(ctx.em, refreshTokenFrom(ctx, arg), ctx.client));
  }

  @Mutation(() => VerifyTokenPayload, { description: 'Checks an access token: signature, expiry, and that its user and session are still valid.' })
  async verifyToken(@Arg('token') token: string, @Ctx() ctx: Context): Promise<VerifyTokenPayload> {
    if (token.length > MAX_TOKEN_LENGTH) throw new AppError('TOKEN_INVALID');
    const claims = ctx.services.jwt.verifyOrThrow(token);
    const reason = await checkAccessClaims(ctx.em, claims);
    if (reason) throw withReason('TOKEN_INVALID', reason);
    return Object.assign(new VerifyTokenPayload(), { token, payload: TokenPayload.from(claims) });
  }

  @Mutation(() => Boolean, {
    description:
      'Ends the session of a live refresh token (current, or rotated within the grace window): true. Any other token is TOKEN_INVALID and changes nothing.',
  })
  async revokeToken(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.sessions.revokeByToken(ctx.em, boundedToken(refreshToken));
  }

  @Mutation(() => Boolean, {
    description:
      "Ends this session (the refresh token's, the cookie's, or the access token's), or with `everywhere` all of the viewer's (or, signed out, of the refresh token's user). A refresh token must be live, else TOKEN_INVALID and nothing ends. Clears the cookies in cookie mode.",
  })
  async logout(
    @Ctx() ctx: Context,
    @Arg('refreshToken', () => String, { nullable: true }) arg?: string | null,
    @Arg('everywhere', { defaultValue: false }) everywhere?: boolean,
  ): Promise<boolean> {
    const { sessions } = ctx.services;
    clearCredentials(ctx);
    const refreshToken = refreshTokenFrom(ctx, arg);
    if (everywhere) {
      const userId = (await ctx.viewer())?.id ?? (refreshToken ? await sessions.userOfToken(ctx.em, boundedToken(refreshToken)) : null);
      if (!userId) throw unauthenticated('MISSING_TOKEN');
      return (await sessions.revokeAll(ctx.em, userId)) > 0;
    }
    if (refreshToken) return sessions.revokeByToken(ctx.em, boundedToken(refreshToken));
    const viewer = await ctx.viewer();
    if (viewer && ctx.auth.kind === 'token' && ctx.auth.claims.sid) return sessions.revokeSession(ctx.em, ctx.auth.claims.sid, viewer.id);
    return false;
  }
}
