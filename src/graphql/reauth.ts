// The request's side of re-authentication (accounts/reauth.ts): the password
// the caller typed, and when the session of its access token first signed in.
import type { Confirmation } from '../accounts/reauth';
import type { Context } from './context';

export const confirmation = (ctx: Context, password: string | null | undefined): Confirmation => ({
  password,
  signedInAt: ctx.auth.kind === 'token' ? ctx.auth.claims.orig_iat : null,
});
