// djangorestframework-jwt 1.11's three views (rest_framework_jwt/views.py):
// obtain, refresh and verify, at the paths its docs use (/api-token-auth/,
// /api-token-refresh/, /api-token-verify/) and the /api-jwt-auth/… ones apps
// often mount. 200 `{"token"}`, or 400 `non_field_errors` with the library's
// texts: its serializers raise in validate(). No authentication runs on them
// (authentication_classes = ()), so a bad Authorization header is ignored.
import type { AppError } from '../../errors';
import { verifyAccessToken } from '../../sessions/access';
import { ReissueRefused } from '../../sessions/sessions';
import { ok } from './answers';
import type { ErrorStyle } from './errors';
import { readFields } from './fields';
import type { Route, View } from './route';

/** The texts of rest_framework_jwt/serializers.py for a token that does not hold. */
export function tokenProblemText(err: AppError): string | undefined {
  if (err instanceof ReissueRefused) return err.why === 'disabled' ? 'orig_iat field is required.' : 'Refresh has expired.';
  if (err.code === 'TOKEN_EXPIRED') return 'Signature has expired.';
  if (err.code !== 'TOKEN_INVALID') return undefined;
  const reason = err.extensions.reason;
  if (reason === 'USER_INACTIVE') return 'User account is disabled.';
  // The user is gone, or the session ended (authql's own rule): drf-jwt's word for it. No reason: the token itself is bad.
  return reason ? 'Invalid token.' : 'Error decoding signature.';
}

export const CREDENTIAL_TEXTS: ErrorStyle = {
  message: (err) => ({ INVALID_CREDENTIALS: 'Unable to log in with provided credentials.', EMAIL_NOT_VERIFIED: 'E-mail is not verified.' })[err.code as string],
};

const obtain: View = async ({ data, services, ctx }) => {
  const { username, password } = readFields(data, { username: {}, password: { password: true } });
  const issued = await services.signIn.password.signIn(ctx.em, username, password, ctx.client);
  return ok({ token: issued.accessToken });
};

const refresh: View = async ({ data, services, ctx }) => {
  const { token } = readFields(data, { token: {} });
  return ok({ token: (await services.signIn.accessRefresh.refresh(ctx.em, token, ctx.client)).accessToken });
};

const verify: View = async ({ data, services, ctx }) => {
  const { token } = readFields(data, { token: {} });
  await verifyAccessToken(ctx.em, services.jwt, token);
  return ok({ token });
};

export const jwtRoutes: readonly Route[] = [
  { name: 'jwt-obtain', paths: ['/api-jwt-auth/', '/api-token-auth/'], views: { POST: obtain }, errors: CREDENTIAL_TEXTS },
  {
    name: 'jwt-refresh',
    paths: ['/api-jwt-auth/refresh/', '/api-token-refresh/', '/api-token-auth/refresh/'],
    views: { POST: refresh },
    errors: { message: tokenProblemText },
  },
  {
    name: 'jwt-verify',
    paths: ['/api-jwt-auth/verify/', '/api-token-verify/', '/api-token-auth/verify/'],
    views: { POST: verify },
    errors: { message: tokenProblemText },
  },
];
