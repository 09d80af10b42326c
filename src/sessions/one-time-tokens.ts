// Issue and consume the single-use tokens mailed to users. A token is bound
// (by HMAC) to the state it was issued for: the exact address it was mailed
// to and, for a reset, the password hash too. Consuming it checks that state
// is unchanged and flips usedAt with a conditional update, so it works once
// even under concurrent use. (Any flushed email change also deletes the
// user's tokens outright: see mailed-links.subscriber.ts.)
import { createHmac } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { type OneTimePurpose, OneTimeToken, User } from '../entities';
import { AppError } from '../errors';
import { formatToken, hashSecret, newOpaqueToken, parseToken, secretMatches } from './opaque-token';

/** What a token is bound to; null when the user has no address to mail it to. */
function boundState(purpose: OneTimePurpose, user: User): string | null {
  if (!user.email) return null;
  return purpose === 'password_reset' ? `${user.password}\0${user.email}` : user.email;
}

export class OneTimeTokenService {
  constructor(private readonly key: Buffer) {}

  /** HMAC of the bound state; a plain hash of an email would be guessable. */
  private binding(purpose: OneTimePurpose, user: User): string | null {
    const state = boundState(purpose, user);
    return state === null ? null : createHmac('sha256', this.key).update(`${purpose}\0${state}`).digest('hex');
  }

  /** A token for the user's current address (and, for a reset, its password hash: load it first). */
  async issue(em: SqlEntityManager, user: User, purpose: OneTimePurpose, ttlSeconds: number): Promise<string> {
    const binding = this.binding(purpose, user);
    if (binding === null) throw new Error('a one-time token needs an address to go to');
    const token = newOpaqueToken();
    em.create(OneTimeToken, {
      id: token.id,
      user,
      purpose,
      secretHash: hashSecret(token.secret),
      binding,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    });
    await em.flush();
    return formatToken(token);
  }

  /**
   * Finds a live token without using it up, so a caller can validate the rest
   * of its input first. The user it returns still has the address the token
   * was mailed to: anything else fails the binding.
   */
  async peek(em: SqlEntityManager, raw: string, purpose: OneTimePurpose): Promise<{ row: OneTimeToken; user: User }> {
    const token = parseToken(raw);
    if (!token) throw new AppError('TOKEN_INVALID');
    const row = await em.findOne(OneTimeToken, { id: token.id, purpose });
    if (!row || row.usedAt || !secretMatches(token.secret, row.secretHash)) throw new AppError('TOKEN_INVALID');
    if (row.expiresAt.getTime() <= Date.now()) throw new AppError('TOKEN_EXPIRED');
    const user = await em.findOne(User, row.user.id, { populate: ['password'] });
    if (!user?.isActive || this.binding(purpose, user) !== row.binding) throw new AppError('TOKEN_INVALID');
    return { row, user };
  }

  /** Marks the token used; TOKEN_INVALID when someone else used it first. */
  async consume(em: SqlEntityManager, row: OneTimeToken): Promise<void> {
    const n = await em.nativeUpdate(OneTimeToken, { id: row.id, usedAt: null }, { usedAt: new Date() });
    if (n !== 1) throw new AppError('TOKEN_INVALID');
  }
}
