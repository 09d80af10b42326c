// The mail that carries an email sign-in code. The code is in the body only:
// a subject shows on lock screens and in notification previews.
import { message } from './templates';

const and = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
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

/** After a code first proved the address: what was set up on the account before, and removed (sign-in/code.ts says why). */
export const addressClaimedEmail = (to: string, username: string, removed: string[]) =>
  message(to, 'Your email address is confirmed', [
    `Hello ${username},`,
    `You just signed in with a code mailed to ${to}, which confirms that this address is yours.`,
    `Until now nobody had confirmed it, so what was set up on the account before could be someone else's: ${and(removed)} ${removed.length === 1 ? 'was' : 'were'} removed and every other session was signed out.`,
    'To sign in with a password again, choose one with "Forgot password"; connect your provider accounts again from your profile.',
  ]);
