// The mail that carries an email sign-in code. The code is in the body only:
// a subject shows on lock screens and in notification previews.
import { message } from './templates';

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
/** "10 minutes", or seconds for a lifetime under a minute (tests use one). */
const lifetime = (seconds: number) => (seconds >= 60 ? count(Math.round(seconds / 60), 'minute') : count(seconds, 'second'));

export const signInCodeEmail = (to: string, username: string, code: string, seconds: number) =>
  message(to, 'Your sign-in code', [
    `Hello ${username},`,
    `Your sign-in code is ${code}.`,
    `It works once, for ${lifetime(seconds)}. A newer code replaces it.`,
    'If you did not ask for it, ignore this email: nobody can sign in with it without reading this message.',
  ]);
