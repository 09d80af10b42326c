// Issue and consume the single-use tokens mailed to users. A token is bound
// (by HMAC) to the state it was issued for; consuming it checks that state is
// unchanged and flips usedAt with a conditional update, so it works once even
// under concurrent use.
import { createHmac } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { OneTimeToken, User, type OneTimePurpose } from '../entities';
import { AppError } from '../errors';
import { formatToken, hashSecret, newOpaqueToken, parseToken, secretMatches } from './opaque-token';

export class OneTimeTokenService {
  constructor(private readonly key: Buffer) {}

  /** HMAC of the state a token is bound to; a plain hash of an email would be guessable. */
  binding(purpose: OneTimePurpose, state: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\0${state}`).digest('hex');
  }

  async issue(em: SqlEntityManager, user: User, purpose: OneTimePurpose, state: string, ttlSeconds: number): Promise<string> {
    const token = newOpaqueToken();
    em.create(OneTimeToken, {
      id: token.id,
      user,
      purpose,
      secretHash: hashSecret(token.secret),
      binding: this.binding(purpose, state),
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    });
    await em.flush();
    return formatToken(token);
  }

  /**
   * Finds a live token without using it up, so a caller can validate the rest
   * of its input first. `state` reads the current bound state from the user.
   */
  async peek(em: SqlEntityManager, raw: string, purpose: OneTimePurpose, state: (user: User) => string | null): Promise<{ row: OneTimeToken; user: User }> {
    const token = parseToken(raw);
    if (!token) throw new AppError('TOKEN_INVALID');
    const row = await em.findOne(OneTimeToken, { id: token.id, purpose });
    if (!row || row.usedAt || !secretMatches(token.secret, row.secretHash)) throw new AppError('TOKEN_INVALID');
    if (row.expiresAt.getTime() <= Date.now()) throw new AppError('TOKEN_EXPIRED');
    const user = await em.findOne(User, row.user.id, { populate: ['password'] });
    const current = user ? state(user) : null;
    if (!user || !user.isActive || current === null || this.binding(purpose, current) !== row.binding) throw new AppError('TOKEN_INVALID');
    return { row, user };
  }

  /** Marks the token used; false when someone else used it first. */
  async consume(em: SqlEntityManager, row: OneTimeToken): Promise<void> {
    const n = await em.nativeUpdate(OneTimeToken, { id: row.id, usedAt: null }, { usedAt: new Date() });
    if (n !== 1) throw new AppError('TOKEN_INVALID');
  }
}
