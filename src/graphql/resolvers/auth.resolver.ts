// register, login, refreshToken, verifyToken, revokeToken, logout: the
// djangorestframework-jwt and rest-auth endpoints, with rotation and
// revocation added.
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Arg, Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { verifyAccessToken } from '../../sessions/access';
import type { Context } from '../context';
import { authPayload, clearCredentials, refreshTokenFrom, registerPayload } from '../payload';
import { AuthPayload, RegisterPayload, VerifyTokenPayload } from '../types/auth-payload.type';
import { LoginArgs } from '../types/login.args';
import { RegisterInput } from '../types/register.input';
import { TokenPayload } from '../types/token-payload.type';

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
    // One read and no unit of work: the root EntityManager's connection, so the request's own EntityManager is never forked.
    const claims = await verifyAccessToken(ctx.services.orm.em as SqlEntityManager, ctx.services.jwt, token);
    return Object.assign(new VerifyTokenPayload(), { token, payload: TokenPayload.from(claims) });
  }

  @Mutation(() => Boolean, {
    description:
      'Ends the session of a live refresh token (current, or rotated within the grace window): true. Any other token is TOKEN_INVALID and changes nothing.',
  })
  async revokeToken(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.userSessions.revokeToken(ctx.em, refreshToken);
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
    clearCredentials(ctx);
    return ctx.services.userSessions.logout(ctx.em, {
      refreshToken: refreshTokenFrom(ctx, arg),
      everywhere: everywhere ?? false,
      viewer: () => ctx.viewer(),
      sessionId: ctx.auth.kind === 'token' ? ctx.auth.claims.sid : undefined,
    });
  }
}
