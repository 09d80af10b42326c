// Who is calling, as djangorestframework-jwt's JSONWebTokenAuthentication
// decides it: the Authorization header only (these endpoints never read or
// set cookies), split on whitespace; a prefix we do not take (`Token …`) or
// no header is anonymous; `JWT` alone or with spaces in the token is refused.
// The token itself is checked by the one viewer check (graphql/context.ts →
// sessions/access.ts); only the words of the 401 are the library's.
import type { User } from '../../entities';
import { AppError } from '../../errors';
import type { Context } from '../../graphql/context';
import { detailError, TEXT } from './answers';

export type HeaderCredentials = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'malformed'; detail: string };

export function readAuthorization(header: string | undefined, prefixes: readonly string[]): HeaderCredentials {
  const parts = (header ?? '').split(/\s+/).filter(Boolean);
  if (parts.length === 0 || !prefixes.some((p) => p.toLowerCase() === parts[0].toLowerCase())) return { kind: 'none' };
  if (parts.length === 1) return { kind: 'malformed', detail: 'Invalid Authorization header. No credentials provided.' };
  if (parts.length > 2) return { kind: 'malformed', detail: 'Invalid Authorization header. Credentials string should not contain spaces.' };
  return { kind: 'token', token: parts[1] };
}

/** The signed-in user, or DRF's 401 with the library's words and authql's reason; `www` is the WWW-Authenticate value. */
export async function requireUser(ctx: Context, credentials: HeaderCredentials, www: string): Promise<User> {
  const refuse = (detail: string, reason: string) => detailError(401, detail, 'UNAUTHENTICATED', { reason }, { 'www-authenticate': www });
  if (credentials.kind === 'malformed') throw refuse(credentials.detail, 'TOKEN_INVALID');
  try {
    return await ctx.requireViewer();
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'UNAUTHENTICATED') throw err;
    const reason = String(err.extensions.reason);
    throw refuse(unauthenticatedText(reason, ctx.auth.kind === 'failed'), reason);
  }
}

/** `beforeLookup`: the token itself failed (signature, claims), not its user or session. */
function unauthenticatedText(reason: string, beforeLookup: boolean): string {
  if (reason === 'MISSING_TOKEN') return TEXT.notProvided;
  if (reason === 'TOKEN_EXPIRED') return 'Signature has expired.';
  if (reason === 'USER_INACTIVE') return 'User account is disabled.';
  // A signature or claim that does not hold is jpadilla's DecodeError; a user or session that no longer holds is DRF's generic refusal.
  return beforeLookup ? 'Error decoding signature.' : 'Incorrect authentication credentials.';
}
