// Password rules in the spirit of Django's validators: length, not all
// digits, not a common password, not too close to the username. Passwords
// are checked exactly as typed: no trimming, no Unicode normalisation.
import type * as Zxcvbn from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;
const MAX_SIMILARITY = 0.7;

let common: Set<string> | undefined;
/**
 * ~49,000 leaked passwords shipped by @zxcvbn-ts/language-common; loaded on
 * first use (its dictionaries are ~6 MB of a server's memory that only ever
 * checks tokens otherwise; README, Performance).
 */
function commonPasswords(): Set<string> {
  // require, not import(): a synchronous load on first use keeps the check synchronous.
  common ??= new Set(((require('@zxcvbn-ts/language-common') as typeof Zxcvbn).dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common;
}

/** Returns the first rule the password breaks, or null when it is acceptable. */
export function passwordProblem(password: string, attributes: Array<string | null | undefined> = []): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (length > MAX_PASSWORD_LENGTH) return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  if (/^\d+$/.test(password)) return 'The password cannot be entirely numeric.';
  if (commonPasswords().has(password.toLowerCase())) return 'The password is too common.';
  const lower = password.toLowerCase();
  for (const attr of attributes) {
    if (!attr) continue;
    const parts = [attr, ...attr.split(/\W+/)].map((p) => p.toLowerCase()).filter((p) => p.length >= 3);
    if (parts.some((p) => lower.includes(p) || similarity(lower, p) >= MAX_SIMILARITY)) {
      return 'The password is too similar to the username or email.';
    }
  }
  return null;
}

/**
 * Ratcliff/Obershelp similarity (what Python's SequenceMatcher.ratio, and so
 * Django, uses): twice the matched characters over the total length.
 */
export function similarity(a: string, b: string): number {
  if (a.length + b.length === 0) return 1;
  return (2 * matched(a, b)) / (a.length + b.length);
}

function matched(a: string, b: string): number {
  if (!a.length || !b.length) return 0;
  let best = 0;
  let bestA = 0;
  let bestB = 0;
  // Longest common substring by dynamic programming; inputs are ≤ 256 chars.
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] === b[j - 1]) {
        row[j] = prev[j - 1] + 1;
        if (row[j] > best) [best, bestA, bestB] = [row[j], i - row[j], j - row[j]];
      }
    }
    prev = row;
  }
  if (best === 0) return 0;
  return best + matched(a.slice(0, bestA), b.slice(0, bestB)) + matched(a.slice(bestA + best), b.slice(bestB + best));
}
