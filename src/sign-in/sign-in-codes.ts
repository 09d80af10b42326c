// Email sign-in codes at rest: 6 digits, one live code per user (a new one
// replaces the old), only an HMAC stored, bound to the user and the address it
// was mailed to, so a code dies when the email changes. Redeeming charges a
// try with a conditional update before comparing, so parallel guesses are all
// counted and the fifth wrong one kills the code; the right code deletes its
// row, and only the request whose delete removed it wins.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { type EntityManager, raw } from '@mikro-orm/core';
import { SignInCode, type User } from '../entities';

/** Wrong tries a code survives; the next try fails whatever it says. */
export const MAX_CODE_TRIES = 5;
const DIGITS = 6;

export class SignInCodes {
  constructor(
    private readonly key: Buffer,
    /** Seconds a code works. */
    readonly lifetime: number,
  ) {}

  private hash(user: User, code: string): string {
    return createHmac('sha256', this.key)
      .update(`${user.id}\0${user.emailKey ?? ''}\0${code}`)
      .digest('hex');
  }

  /** A fresh code for the user's current address; any earlier one stops working. */
  async issue(em: EntityManager, user: User): Promise<string> {
    const code = String(randomInt(0, 10 ** DIGITS)).padStart(DIGITS, '0');
    const row = { user, codeHash: this.hash(user, code), failedAttempts: 0, createdAt: new Date(), expiresAt: new Date(Date.now() + this.lifetime * 1000) };
    await em.upsert(SignInCode, row);
    return code;
  }

  /** True once for the live code of `user`; a wrong code uses up one of its tries. */
  async redeem(em: EntityManager, user: User, typed: string): Promise<boolean> {
    const now = new Date();
    const row = await em.findOne(SignInCode, { user: user.id }, { disableIdentityMap: true });
    if (!row) return false;
    // The try is counted first, on this very code (a replacement in between is another row).
    const live = { user: user.id, codeHash: row.codeHash, failedAttempts: { $lt: MAX_CODE_TRIES }, expiresAt: { $gt: now } };
    const charged = await em.nativeUpdate(SignInCode, live, { failedAttempts: raw('failed_attempts + 1') });
    if (charged !== 1) return false;
    const code = typed.replace(/\s+/g, '');
    if (!/^\d+$/.test(code) || !same(this.hash(user, code), row.codeHash)) return false;
    return (await em.nativeDelete(SignInCode, { user: user.id, codeHash: row.codeHash })) === 1;
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
