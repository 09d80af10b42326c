// register, login, refreshToken, verifyToken, revokeToken, logout: the
// djangorestframework-jwt and rest-auth endpoints, with rotation and
// revocation added.
import { Arg, Args, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { throttleSubject } from '../../throttle/client-subject';
import { AppError, badInput } from '../../errors';
import { checkAccessClaims } from '../../sessions/access';
import { registerAccount } from '../../accounts/registration';
import { usernameKey } from '../../accounts/accounts';
import { authPayload, clearAuthCookies, refreshTokenFrom } from '../payload';
import { AuthPayload, RegisterPayload, VerifyTokenPayload } from '../types/auth-payload.type';
import { LoginArgs } from '../types/login.args';
import { RegisterInput } from '../types/register.input';
import { TokenPayload } from '../types/token-payload.type';

const MAX_TOKEN_LENGTH = 4096;
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
    const { services } = ctx;
    await services.rateLimiter.consume(['register', throttleSubject(ctx.client.ip)]);
    const { user, shown } = await registerAccount(services, ctx.em, input);
    if (services.config.account.emailVerification === 'mandatory') {
      ctx.request.signedIn = user;
      return Object.assign(new RegisterPayload(), { token: null, refreshToken: null, payload: null, refreshExpiresIn: null, user: shown, emailVerificationRequired: true });
    }
    const auth = authPayload(ctx, await services.sessions.start(ctx.em, user, ctx.client));
    return Object.assign(new RegisterPayload(), { ...auth, emailVerificationRequired: false });
  }

  @Mutation(() => AuthPayload, { description: '`username` may also be the account email.' })
  async login(@Args() { username, password }: LoginArgs, @Ctx() ctx: Context): Promise<AuthPayload> {
    const { services } = ctx;
    const { rateLimiter, metrics, logger } = services;
    if (username.length > 254 || password.length > 256) throw new AppError('INVALID_CREDENTIALS');
    // Counted before any hashing; a success gives the attempts back. One
    // budget per account, whichever of its names is typed (unknown names: per
    // normalised name), so the username and the email are not two budgets.
    const tickets = await rateLimiter.consume(['loginIp', throttleSubject(ctx.client.ip)]);
    const found = await services.accounts.findByLogin(ctx.em, username);
    const account = found ? `user:${found.id}` : `name:${usernameKey(username.trim())}`;
    tickets.push(...(await rateLimiter.consume(['loginAccount', account])));
    try {
      const user = await services.accounts.checkPassword(ctx.em, found, password, {
        requireVerifiedEmail: services.config.account.emailVerification === 'mandatory',
      });
      await rateLimiter.refund(tickets);
      await rateLimiter.clear('loginAccount', account);
      const payload = authPayload(ctx, await services.sessions.start(ctx.em, user, ctx.client));
      // Only once the session is stored: a failure above is logged (once) as a failed sign-in.
      metrics.signIns.inc({ method: 'password', outcome: 'success' });
      logger.info({ event: 'login', outcome: 'success', userId: user.id, ip: ctx.client.ip }, 'sign-in succeeded');
      return payload;
    } catch (err) {
      if (err instanceof AppError && err.code !== 'INVALID_CREDENTIALS') await rateLimiter.refund(tickets);
      metrics.signIns.inc({ method: 'password', outcome: 'failure' });
      logger.info({ event: 'login', outcome: 'failure', code: err instanceof AppError ? err.code : 'ERROR', ip: ctx.client.ip }, 'sign-in failed');
      throw err;
    }
  }

  @Mutation(() => AuthPayload, { description: 'Rotates a refresh token (the argument, or in cookie mode the cookie): a new pair; the old refresh token stops working.' })
  async refreshToken(@Arg('refreshToken', () => String, { nullable: true }) arg: string | null, @Ctx() ctx: Context): Promise<AuthPayload> {
    const refreshToken = refreshTokenFrom(ctx, arg);
    if (!refreshToken) throw badInput('refreshToken', 'No refresh token was given.');
    if (refreshToken.length > MAX_TOKEN_LENGTH) throw new AppError('TOKEN_INVALID');
    const { metrics, logger, rateLimiter, sessions } = ctx.services;
    await rateLimiter.consume(['refresh', throttleSubject(ctx.client.ip)]);
    try {
      const payload = authPayload(ctx, await sessions.rotate(ctx.em, refreshToken));
      metrics.refreshes.inc({ outcome: 'success' });
      return payload;
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'ERROR';
      metrics.refreshes.inc({ outcome: code });
      if (code === 'REFRESH_TOKEN_REUSED') {
        metrics.reuseDetected.inc();
        logger.warn({ event: 'refresh_reuse', ip: ctx.client.ip }, 'refresh token reused; session revoked');
      }
      throw err;
    }
  }

  @Mutation(() => VerifyTokenPayload, { description: 'Checks an access token: signature, expiry, and that its user and session are still valid.' })
  async verifyToken(@Arg('token') token: string, @Ctx() ctx: Context): Promise<VerifyTokenPayload> {
    if (token.length > MAX_TOKEN_LENGTH) throw new AppError('TOKEN_INVALID');
    const claims = ctx.services.jwt.verifyOrThrow(token);
    const reason = await checkAccessClaims(ctx.em, claims);
    if (reason) throw new AppError('TOKEN_INVALID', undefined, { reason });
    return Object.assign(new VerifyTokenPayload(), { token, payload: TokenPayload.from(claims) });
  }

  @Mutation(() => Boolean, {
    description: 'Ends the session of a live refresh token (current, or rotated within the grace window): true. Any other token is TOKEN_INVALID and changes nothing.',
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
    clearAuthCookies(ctx);
    const refreshToken = refreshTokenFrom(ctx, arg);
    if (everywhere) {
      const userId = (await ctx.viewer())?.id ?? (refreshToken ? await sessions.userOfToken(ctx.em, boundedToken(refreshToken)) : null);
      if (!userId) throw new AppError('UNAUTHENTICATED', undefined, { reason: 'MISSING_TOKEN' });
      return (await sessions.revokeAll(ctx.em, userId)) > 0;
    }
    if (refreshToken) return sessions.revokeByToken(ctx.em, boundedToken(refreshToken));
    const viewer = await ctx.viewer();
    if (viewer && ctx.auth.kind === 'token' && ctx.auth.claims.sid) return sessions.revokeSession(ctx.em, ctx.auth.claims.sid, viewer.id);
    return false;
  }
}
