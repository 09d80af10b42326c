// Turns a signed-in user and their session into the AuthPayload every
// sign-in operation returns.
import type { Context } from '../context';
import type { IssuedSession } from '../auth/sessions';
import { AuthPayload } from './types/auth-payload.type';
import { TokenPayload } from './types/token-payload.type';

export function authPayload(ctx: Context, issued: IssuedSession): AuthPayload {
  const { session, user, refreshToken } = issued;
  ctx.signedIn = user;
  const { token, payload } = ctx.services.jwt.sign({
    userId: user.id,
    username: user.username,
    tokenVersion: user.tokenVersion,
    origIat: Math.floor(session.createdAt.getTime() / 1000),
    sessionId: session.id,
  });
  return Object.assign(new AuthPayload(), {
    token,
    refreshToken,
    payload: TokenPayload.from(payload),
    refreshExpiresIn: refreshToken ? Math.floor(session.expiresAt.getTime() / 1000) : null,
    user,
  });
}
