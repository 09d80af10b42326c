// The account emails, each with a plain-text and an HTML body.
import type { MailMessage } from './mailer';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function message(to: string, subject: string, lines: string[], link?: { url: string; label: string }): MailMessage {
  const text = [...lines, ...(link ? ['', `${link.label}: ${link.url}`] : []), '', '— authql'].join('\n');
  const html =
    lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n') +
    (link ? `\n<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>` : '') +
    '\n<p>— authql</p>';
  return { to, subject, text, html };
}

/**
 * A mailed link from its template: `{token}` becomes the URL-encoded token and
 * `{uid}`, where a template has it, the user's id as Django's reset links
 * carry it (unpadded base64url of the decimal id: `MQ` for 1), for apps that
 * post rest-auth's `uid` and `token`.
 */
export const link = (template: string, token: string, userId?: number) =>
  template.replace('{token}', encodeURIComponent(token)).replace('{uid}', userId === undefined ? '' : Buffer.from(String(userId)).toString('base64url'));

export const verificationEmail = (to: string, username: string, url: string, hours: number) =>
  message(
    to,
    'Confirm your email address',
    [`Hello ${username},`, `Please confirm that ${to} is your email address. The link works once, for ${hours} hours.`],
    {
      url,
      label: 'Confirm your email',
    },
  );

export const passwordResetEmail = (to: string, username: string, url: string, minutes: number) =>
  message(
    to,
    'Reset your password',
    [
      `Hello ${username},`,
      `Someone asked to reset the password of your account. The link works once, for ${minutes} minutes.`,
      'If it was not you, ignore this email: your password stays as it is.',
    ],
    { url, label: 'Choose a new password' },
  );

/** `methods`: every way into the account now (`password` and the linked providers' names), so a stranger's link stands out. */
export const passwordChangedEmail = (to: string, username: string, methods: string[]) =>
  message(to, 'Your password was changed', [
    `Hello ${username},`,
    'The password of your account was just changed, and every other session was signed out.',
    `You can now sign in with: ${methods.map((m) => (m === 'password' ? 'your password' : m)).join(', ')}.`,
    'If it was not you, or you do not recognise one of these, reset your password now, disconnect what is not yours, and contact support.',
  ]);

/** `provider`: its display name (Kakao, Facebook, …). */
export const socialAccountEmail = (to: string, username: string, provider: string, change: 'connected' | 'disconnected') =>
  message(to, `A ${provider} account was ${change} ${change === 'connected' ? 'to' : 'from'} your account`, [
    `Hello ${username},`,
    change === 'connected'
      ? `A ${provider} account was just connected to your account: whoever holds it can now sign in as you.`
      : `A ${provider} account was just disconnected from your account: it can no longer be used to sign in.`,
    'If it was not you, reset your password now, check the accounts connected to yours, and contact support.',
  ]);

export const emailChangedEmail = (to: string, username: string, newEmail: string) =>
  message(to, 'Your email address was changed', [
    `Hello ${username},`,
    `The email address of your account was changed to ${newEmail}.`,
    'If it was not you, contact support.',
  ]);

export const registrationAttemptEmail = (to: string, username: string) =>
  message(to, 'Someone tried to register with your email address', [
    `Hello ${username},`,
    `Someone just tried to create a new account with ${to}, which already belongs to your account (username ${username}). Nothing about your account changed.`,
    'If it was you: you already have an account. Sign in with it, or reset your password if you forgot it.',
    'If it was not you, ignore this email.',
  ]);

/** Every passkey added or removed is told to the account: a stolen session must not add a way in silently. */
export const passkeyEmail = (to: string, username: string, name: string, change: 'added' | 'removed') =>
  message(to, change === 'added' ? 'A passkey was added to your account' : 'A passkey was removed from your account', [
    `Hello ${username},`,
    change === 'added'
      ? `The passkey "${name}" was just added to your account: whoever holds it can now sign in as you without a password.`
      : `The passkey "${name}" was just removed from your account: it can no longer be used to sign in.`,
    'If it was not you, sign in, remove the passkeys you do not recognise, change your password, and contact support.',
  ]);
