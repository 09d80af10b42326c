// Email sign-in codes at rest: 6 digits, one live code per user (a new one
// replaces the old), only an HMAC stored, bound to the user and the address it
// was mailed to, so a code dies when the email changes. Redeeming charges a
// try with a conditional update before comparing, so parallel guesses are all
// counted and the fifth wrong one kills the code; the right code deletes its
// row, and only the request whose delete removed it wins.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { type EntityManager, raw } from '@mikro-orm/core';
import { SignInCode, type User } from '../entities';

/** Tries a code allows: after this many wrong ones it is dead, and even the right code fails. */
export const MAX_CODE_TRIES = 5;
const DIGITS = 6;

export class SignInCodes {
  constructor(
    private readonly key: Buffer,
    /** Seconds a code works. */
    readonly lifetime: number,
  ) {}

  /** Over the user, the address (its lower-cased key) and the code: a code is worth nothing for another account or address. */
  private hash(userId: number, address: string, code: string): string {
    return createHmac('sha256', this.key).update(`${userId}\0${address}\0${code}`).digest('hex');
  }

  /** A fresh code for the user's current address; any earlier one stops working. */
  async issue(em: EntityManager, user: User & { emailKey: string }): Promise<string> {
    const code = String(randomInt(0, 10 ** DIGITS)).padStart(DIGITS, '0');
    const expiresAt = new Date(Date.now() + this.lifetime * 1000);
    await em.upsert(SignInCode, { user, codeHash: this.hash(user.id, user.emailKey, code), failedAttempts: 0, createdAt: new Date(), expiresAt });
    return code;
  }

  /**
   * The id of the user whose live code for `address` was typed, once; null
   * otherwise, and a wrong code uses up one of its tries. One query finds the
   * code by the address, so an unknown address and an account without a code
   * cost the same.
   */
  async redeem(em: EntityManager, address: string, typed: string): Promise<number | null> {
    const row = await em.findOne(SignInCode, { user: { emailKey: address } }, { disableIdentityMap: true });
    if (!row) return null;
    const userId = row.user.id;
    // The try is counted first, on this very code (a replacement in between is another row).
    const live = { user: userId, codeHash: row.codeHash, failedAttempts: { $lt: MAX_CODE_TRIES }, expiresAt: { $gt: new Date() } };
    const charged = await em.nativeUpdate(SignInCode, live, { failedAttempts: raw('failed_attempts + 1') });
    if (charged !== 1) return null;
    const code = typed.replace(/\s+/g, '');
    if (!/^\d+$/.test(code) || !same(this.hash(userId, address, code), row.codeHash)) return null;
    return (await em.nativeDelete(SignInCode, { user: userId, codeHash: row.codeHash })) === 1 ? userId : null;
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
