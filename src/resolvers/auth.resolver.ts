// register, login, refreshToken, verifyToken, revokeToken: the
// djangorestframework-jwt endpoints, with rotation and revocation added.
import { Arg, Args, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { AppError } from '../errors';
import { loadViewer } from '../auth/viewer';
import { authPayload } from './issue-tokens';
import { AuthPayload, VerifyTokenPayload } from './types/auth-payload.type';
import { LoginArgs } from './types/login.args';
import { RegisterInput } from './types/register.input';
import { TokenPayload } from './types/token-payload.type';

const MAX_TOKEN_LENGTH = 4096;

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: 'Creates an account and signs it in.' })
  async register(@Arg('input') input: RegisterInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    const user = await ctx.services.accounts.create(ctx.em, input);
    ctx.services.logger.info({ event: 'register', userId: user.id }, 'account created');
    return authPayload(ctx, await ctx.services.sessions.start(ctx.em, user, ctx.client));
  }

  @Mutation(() => AuthPayload, { description: '`username` may also be the account email.' })
  async login(@Args() { username, password }: LoginArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    if (username.length > 254 || password.length > 256) throw new AppError('INVALID_CREDENTIALS');
    try {
      const user = await ctx.services.accounts.authenticate(ctx.em, username, password);
      ctx.services.logger.info({ event: 'login', outcome: 'success', userId: user.id, ip: ctx.client.ip }, 'sign-in succeeded');
      return authPayload(ctx, await ctx.services.sessions.start(ctx.em, user, ctx.client));
    } catch (err) {
      if (err instanceof AppError) ctx.services.logger.info({ event: 'login', outcome: 'failure', ip: ctx.client.ip }, 'sign-in failed');
      throw err;
    }
  }

  @Mutation(() => AuthPayload, { description: 'Rotates a refresh token: returns a new pair; the old refresh token stops working.' })
  async refreshToken(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    if (refreshToken.length > MAX_TOKEN_LENGTH) throw new AppError('TOKEN_INVALID');
    try {
      return authPayload(ctx, await ctx.services.sessions.rotate(ctx.em, refreshToken));
    } catch (err) {
      if (err instanceof AppError && err.code === 'REFRESH_TOKEN_REUSED') {
        ctx.services.logger.warn({ event: 'refresh_reuse', ip: ctx.client.ip }, 'refresh token reused; session revoked');
      }
      throw err;
    }
  }

  @Mutation(() => VerifyTokenPayload, { description: 'Checks an access token: signature, expiry, and that its user and session are still valid.' })
  async verifyToken(@Arg('token') token: string, @Ctx() ctx: Context): Promise<VerifyTokenPayload> {
    if (token.length > MAX_TOKEN_LENGTH) throw new AppError('TOKEN_INVALID');
    const claims = ctx.services.jwt.verifyOrThrow(token);
    const viewer = await loadViewer(ctx.em, claims);
    if ('reason' in viewer) throw new AppError('TOKEN_INVALID', undefined, { reason: viewer.reason });
    return Object.assign(new VerifyTokenPayload(), { token, payload: TokenPayload.from(claims) });
  }

  @Mutation(() => Boolean, { description: 'Ends the session a refresh token belongs to. Answers false for an unknown token.' })
  async revokeToken(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<boolean> {
    if (refreshToken.length > MAX_TOKEN_LENGTH) return false;
    return ctx.services.sessions.revokeByToken(ctx.em, refreshToken);
  }
}
