// Turns a signed-in user and their session into the AuthPayload every
// sign-in operation returns, and (cookie mode) into httpOnly cookies.
import type { Context } from './context';
import type { IssuedSession } from '../sessions/sessions';
import { serializeCookie } from '../http/cookies';
import { GRAPHQL_PATH } from '../http/paths';
import type { RegistrationResult } from '../sign-in/registration';
import { AuthPayload, RegisterPayload } from './types/auth-payload.type';
import { TokenPayload } from './types/token-payload.type';

export function authPayload(ctx: Context, issued: IssuedSession): AuthPayload {
  const { session, user, refreshToken, accessToken: token, claims } = issued;
  const { cookie } = ctx.services.config;
  ctx.request.signedIn = user;
  if (cookie.enabled) setAuthCookies(ctx, token, refreshToken, session.expiresAt);
  return Object.assign(new AuthPayload(), {
    token: cookie.hideTokenFields ? null : token,
    refreshToken: cookie.hideTokenFields ? null : refreshToken,
    payload: TokenPayload.from(claims),
    refreshExpiresIn: refreshToken ? Math.floor(session.expiresAt.getTime() / 1000) : null,
    user,
  });
}

/** register's answer: signed in, or (mandatory verification) the account without tokens. */
export function registerPayload(ctx: Context, { user, shown, issued }: RegistrationResult): RegisterPayload {
  if (!issued) {
    ctx.request.signedIn = user;
    return Object.assign(new RegisterPayload(), { token: null, refreshToken: null, payload: null, refreshExpiresIn: null, user: shown, emailVerificationRequired: true });
  }
  return Object.assign(new RegisterPayload(), { ...authPayload(ctx, issued), emailVerificationRequired: false });
}

function setAuthCookies(ctx: Context, token: string, refreshToken: string | null, sessionEnd: Date): void {
  const { cookie, jwt } = ctx.services.config;
  ctx.request.responseCookies.push(serializeCookie(cookie, cookie.accessName, token, { maxAge: jwt.expirationDelta, path: '/' }));
  if (refreshToken) {
    const maxAge = Math.max(0, Math.floor((sessionEnd.getTime() - Date.now()) / 1000));
    // Path-scoped: the refresh token is only ever sent to the GraphQL endpoint.
    ctx.request.responseCookies.push(serializeCookie(cookie, cookie.refreshName, refreshToken, { maxAge, path: GRAPHQL_PATH }));
  }
}

export function clearAuthCookies(ctx: Context): void {
  const { cookie } = ctx.services.config;
  if (!cookie.enabled) return;
  ctx.request.responseCookies.push(serializeCookie(cookie, cookie.accessName, '', { maxAge: 0, path: '/' }));
  ctx.request.responseCookies.push(serializeCookie(cookie, cookie.refreshName, '', { maxAge: 0, path: GRAPHQL_PATH }));
}

/** The refresh token from the argument, or in cookie mode from the cookie. */
export function refreshTokenFrom(ctx: Context, arg: string | null | undefined): string | undefined {
  if (arg) return arg;
  return ctx.services.config.cookie.enabled ? ctx.cookies[ctx.services.config.cookie.refreshName] : undefined;
}
