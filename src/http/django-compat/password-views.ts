// rest-auth 0.9.5's password views: change (signed in), reset (mails a link)
// and reset confirm (uid + token from that link). Django's SetPasswordForm
// reports a mismatch and the password rules on new_password2, with U+2019 in
// "didn’t" (Django ≥ 3.0). The reset link is authql's: PASSWORD_RESET_URL with
// `{uid}` and `{token}`; `token` is authql's reset token and `uid` the
// account's id as Django encoded it (see README, Migrating a Django app).
import { isValidEmail } from '../../accounts/accounts';
import { AppError } from '../../errors';
import { fieldErrors, ok } from './answers';
import { readFields } from './fields';
import type { Route, View } from './route';

const MISMATCH = 'The two password fields didn’t match.';
const PASSWORD = { password: true } as const;

const change: View = async ({ data, services, ctx, requireUser }) => {
  const user = await requireUser();
  const f = readFields(data, { old_password: PASSWORD, new_password1: PASSWORD, new_password2: PASSWORD });
  // Before the current password is checked, so a typo costs no re-authentication attempt.
  if (f.new_password1 !== f.new_password2) throw fieldErrors({ new_password2: [MISMATCH] });
  const issued = await services.signIn.passwordChange.changePassword(ctx.em, user, f.old_password, f.new_password1, ctx.client);
  // Every earlier token of the account ends with the change: `token` is the new session's, for an app that reads it.
  return ok({ detail: 'New password has been saved.', token: issued.accessToken });
};

const reset: View = async ({ data, services, ctx }) => {
  const { email } = readFields(data, { email: {} });
  if (!isValidEmail(email)) throw fieldErrors({ email: ['Enter a valid email address.'] });
  await services.accounts.requestPasswordReset(email, ctx.client);
  return ok({ detail: 'Password reset e-mail has been sent.' });
};

const confirm: View = async ({ data, services, ctx }) => {
  const f = readFields(data, { new_password1: PASSWORD, new_password2: PASSWORD, uid: {}, token: {} });
  const userId = decodeUid(f.uid);
  if (userId === null) throw fieldErrors({ uid: ['Invalid value'] });
  if (f.new_password1 !== f.new_password2) throw fieldErrors({ new_password2: [MISMATCH] });
  try {
    await services.accounts.resetPassword(ctx.em, f.token, f.new_password1, { userId });
  } catch (err) {
    if (err instanceof AppError && (err.code === 'TOKEN_INVALID' || err.code === 'TOKEN_EXPIRED'))
      throw fieldErrors({ token: ['Invalid value'] }, { code: err.code });
    throw err;
  }
  return ok({ detail: 'Password has been reset with the new password.' });
};

/** Django's urlsafe_base64_encode(force_bytes(pk)), padded or not: `MQ` is 1. */
export function decodeUid(uid: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,24}={0,2}$/.test(uid)) return null;
  const text = Buffer.from(uid.replace(/=+$/, ''), 'base64url').toString('utf8');
  return /^[1-9]\d{0,14}$/.test(text) ? Number(text) : null;
}

export const passwordRoutes: readonly Route[] = [
  {
    name: 'rest-auth-password-change',
    paths: ['/rest-auth/password/change/'],
    views: { POST: change },
    errors: { fields: { oldPassword: 'old_password', newPassword: 'new_password2' } },
  },
  { name: 'rest-auth-password-reset', paths: ['/rest-auth/password/reset/'], views: { POST: reset } },
  {
    name: 'rest-auth-password-reset-confirm',
    paths: ['/rest-auth/password/reset/confirm/'],
    views: { POST: confirm },
    errors: { fields: { newPassword: 'new_password2' } },
  },
];
