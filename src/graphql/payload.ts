// Turns an issued session into the AuthPayload every sign-in operation
// returns, and records on the request that credentials were issued (or
// cleared); the HTTP layer makes cookies of that (http/credentials.ts).

import type { IssuedSession } from '../sessions/sessions';
import type { RegistrationResult } from '../sign-in/registration';
import type { Context } from './context';
import { AuthPayload, RegisterPayload } from './types/auth-payload.type';
import { TokenPayload } from './types/token-payload.type';

export function authPayload(ctx: Context, issued: IssuedSession): AuthPayload {
  const { session, user, refreshToken, accessToken: token, claims } = issued;
  const { cookie } = ctx.services.config;
  ctx.request.signedIn = user;
  ctx.request.credentialChanges.push({ kind: 'issued', accessToken: token, refreshToken, sessionEnd: session.expiresAt });
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
    return Object.assign(new RegisterPayload(), {
      token: null,
      refreshToken: null,
      payload: null,
      refreshExpiresIn: null,
      user: shown,
      emailVerificationRequired: true,
    });
  }
  return Object.assign(new RegisterPayload(), { ...authPayload(ctx, issued), emailVerificationRequired: false });
}

export function clearCredentials(ctx: Context): void {
  ctx.request.credentialChanges.push({ kind: 'cleared' });
}

/** The refresh token from the argument, or in cookie mode from the cookie. */
export function refreshTokenFrom(ctx: Context, arg: string | null | undefined): string | undefined {
  return arg || ctx.credentials.refreshToken;
}
