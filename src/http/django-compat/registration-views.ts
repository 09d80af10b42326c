// rest-auth 0.9.5's registration views (rest_auth/registration/views.py):
// register (201: `{"token", "user"}`, or under mandatory verification
// `{"detail": "Verification e-mail sent."}`, which is also what a taken
// email gets there) and verify-email (`key` is authql's verification token,
// from EMAIL_VERIFICATION_URL's `{token}`; an unknown key is 404, as allauth's
// ConfirmEmailView answers).
import { AppError } from '../../errors';
import { detailError, nonFieldError, ok, TEXT } from './answers';
import { readFields } from './fields';
import type { Route, View } from './route';
import { userDetails } from './shapes';

const PASSWORD = { password: true } as const;

const register: View = async ({ data, services, ctx }) => {
  // authql's accounts always have an email (rest-auth's ACCOUNT_EMAIL_REQUIRED = True).
  const f = readFields(data, { username: {}, email: {}, password1: PASSWORD, password2: PASSWORD });
  // rest-auth's own text, with a straight apostrophe (Django's forms use U+2019).
  if (f.password1 !== f.password2) throw nonFieldError("The two password fields didn't match.", 'BAD_USER_INPUT');
  const result = await services.signIn.registration.register(ctx.em, { username: f.username, email: f.email, password: f.password1 }, ctx.client);
  if (!result.issued) return ok({ detail: 'Verification e-mail sent.' }, 201);
  return ok({ token: result.issued.accessToken, user: userDetails(result.shown) }, 201);
};

const verifyEmail: View = async ({ data, services, ctx }) => {
  const { key } = readFields(data, { key: {} });
  try {
    await services.accounts.verifyEmail(ctx.em, key);
  } catch (err) {
    if (err instanceof AppError && (err.code === 'TOKEN_INVALID' || err.code === 'TOKEN_EXPIRED')) throw detailError(404, TEXT.notFound, err.code);
    throw err;
  }
  return ok({ detail: 'ok' });
};

export const registrationRoutes: readonly Route[] = [
  { name: 'rest-auth-registration', paths: ['/rest-auth/registration/'], views: { POST: register }, errors: { fields: { password: 'password1' } } },
  { name: 'rest-auth-verify-email', paths: ['/rest-auth/registration/verify-email/'], views: { POST: verifyEmail }, errors: { fields: { token: 'key' } } },
];
