// Pending second-factor challenges. A challenge is the sign-in of one user
// whose first factor was proven one way (method, amr), waiting 5 minutes at
// most for its second step. The client holds `id.secret`; only the secret's
// SHA-256 is stored, so the table alone cannot answer one. It works once (a
// conditional update claims it), and 5 wrong answers spend it. Every failure
// looks alike to a stranger's token: CHALLENGE_INVALID, except expiry. A
// password change or deactivation since it began ends it, as it ends sessions.
import type { EntityManager } from '@mikro-orm/core';
import { raw } from '@mikro-orm/core';
import { SecondFactorChallenge, type User } from '../entities';
import { withReason } from '../errors';
import { formatToken, hashSecret, newOpaqueToken, parseToken, secretMatches } from '../sessions/opaque-token';
import type { PendingChallenge } from './method';

export const CHALLENGE_TTL_SECONDS = 300;
/** Wrong answers a challenge takes before it is spent. */
export const CHALLENGE_MAX_FAILURES = 5;
const MAX_TOKEN_LENGTH = 128;

export interface OpenChallenge extends PendingChallenge {
  user: User;
  method: string;
  amr: string[];
}

export const challengeInvalid = () => withReason('SECOND_FACTOR_INVALID', 'CHALLENGE_INVALID', 'This sign-in challenge cannot be used: sign in again.');

export class SecondFactorChallenges {
  /** Written at once (not with the caller's unit of work): the sign-in that asks for it writes nothing else. */
  async create(em: EntityManager, user: User, method: string, amr: readonly string[]): Promise<{ token: string; challenge: PendingChallenge }> {
    const token = newOpaqueToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000);
    await em.insert(SecondFactorChallenge, {
      id: token.id,
      user: user.id,
      secretHash: hashSecret(token.secret),
      method,
      amr: amr.join(' '),
      tokenVersion: user.tokenVersion,
      failures: 0,
      createdAt: now,
      expiresAt,
    });
    return { token: formatToken(token), challenge: { id: token.id, userId: user.id, expiresAt } };
  }

  /** The live challenge a token names; SECOND_FACTOR_INVALID (CHALLENGE_INVALID or CHALLENGE_EXPIRED) otherwise. */
  async open(em: EntityManager, raw: string): Promise<OpenChallenge> {
    const token = raw.length <= MAX_TOKEN_LENGTH ? parseToken(raw) : null;
    const row = token && (await em.findOne(SecondFactorChallenge, token.id, { populate: ['user'] }));
    if (!token || !row || !secretMatches(token.secret, row.secretHash)) throw challengeInvalid();
    const { user } = row;
    if (row.usedAt || row.failures >= CHALLENGE_MAX_FAILURES || !user.isActive || user.tokenVersion !== row.tokenVersion) throw challengeInvalid();
    if (row.expiresAt.getTime() <= Date.now()) {
      throw withReason('SECOND_FACTOR_INVALID', 'CHALLENGE_EXPIRED', 'This sign-in challenge has expired: sign in again.');
    }
    return { id: row.id, userId: row.user.id, expiresAt: row.expiresAt, user: row.user, method: row.method, amr: row.amr ? row.amr.split(' ') : [] };
  }

  /** Counts a wrong answer (atomically: concurrent ones all count). */
  async fail(em: EntityManager, challenge: PendingChallenge): Promise<void> {
    await em.nativeUpdate(SecondFactorChallenge, { id: challenge.id }, { failures: raw('failures + 1') });
  }

  /** Spends the challenge for the answer that completes it; CHALLENGE_INVALID when another request got there first. */
  async claim(em: EntityManager, challenge: PendingChallenge): Promise<void> {
    const claimed = await em.nativeUpdate(
      SecondFactorChallenge,
      { id: challenge.id, usedAt: null, failures: { $lt: CHALLENGE_MAX_FAILURES } },
      { usedAt: new Date() },
    );
    if (claimed !== 1) throw challengeInvalid();
  }

  /** A superuser's reset ends every pending sign-in of the user too. */
  async dropAll(em: EntityManager, user: User): Promise<void> {
    await em.nativeDelete(SecondFactorChallenge, { user: user.id });
  }
}
