// rest-auth 0.9.5 (Tivix django-rest-auth, rest_auth/views.py) with
// REST_USE_JWT: login, logout and the user's own details. The tokens are
// authql access tokens in sessions started by the sign-in pipeline; no
// Django session cookie is set.
import { isValidEmail } from '../../accounts/accounts';
import { confirmation } from '../../graphql/reauth';
import { fieldErrors, nonFieldError, ok } from './answers';
import { readFields } from './fields';
import { CREDENTIAL_TEXTS } from './jwt-views';
import type { Route, View } from './route';
import { jwtLogin, userDetails } from './shapes';

const OPTIONAL = { required: false, allowBlank: true } as const;
const NAME = { required: false, allowBlank: true, maxLength: 150 } as const;

/** allauth's username_email method: authql's `login` takes either, the email first when both are sent (as rest-auth does). */
const login: View = async ({ data, services, ctx }) => {
  const { username, email, password } = readFields(data, { username: OPTIONAL, email: OPTIONAL, password: { password: true } });
  if (email && !isValidEmail(email)) throw fieldErrors({ email: ['Enter a valid email address.'] });
  const name = email || username;
  if (!name) throw nonFieldError('Must include either "username" or "email" and "password".', 'BAD_USER_INPUT');
  return ok(jwtLogin(await services.signIn.password.signIn(ctx.em, name, password, ctx.client)));
};

/** AllowAny, always 200 (as rest-auth): a token that still holds has its session ended. */
const logout: View = async ({ services, ctx, optionalUser }) => {
  if (ctx.auth.kind === 'token') {
    await services.userSessions.logout(ctx.em, { everywhere: false, viewer: optionalUser, sessionId: ctx.auth.claims.sid });
  }
  return ok({ detail: 'Successfully logged out.' });
};

const showUser: View = async ({ requireUser }) => ok(userDetails(await requireUser()));

/**
 * PUT (username required) and PATCH: first_name and last_name change; pk and
 * email are read-only, as in rest-auth's serializer. authql has no username
 * change for users themselves, so a different username is refused.
 */
const updateUser =
  (partial: boolean): View =>
  async ({ data, services, ctx, requireUser }) => {
    const user = await requireUser();
    const f = readFields(data, { username: { required: !partial }, first_name: NAME, last_name: NAME });
    if (f.username !== undefined && f.username !== user.username) {
      throw fieldErrors({ username: ['The username cannot be changed here: send the account’s own username.'] });
    }
    const updated = await services.accounts.updateProfile(ctx.em, user, { firstName: f.first_name, lastName: f.last_name }, confirmation(ctx, null));
    return ok(userDetails(updated));
  };

export const restAuthRoutes: readonly Route[] = [
  { name: 'rest-auth-login', paths: ['/rest-auth/login/'], views: { POST: login }, errors: CREDENTIAL_TEXTS },
  { name: 'rest-auth-logout', paths: ['/rest-auth/logout/'], views: { POST: logout } },
  { name: 'rest-auth-user', paths: ['/rest-auth/user/'], views: { GET: showUser, PUT: updateUser(false), PATCH: updateUser(true) } },
];
