// What a user (or a holder of a refresh token) does with sessions: list the
// live ones, end one, end the current one or all of them. Only live tokens
// act: a dead refresh token is TOKEN_INVALID and ends nothing.
import type { EntityManager } from '@mikro-orm/core';
import { Session, type User } from '../entities';
import { AppError, unauthenticated } from '../errors';
import { MAX_TOKEN_LENGTH, type SessionService } from './sessions';

/** An over-long token is refused before any lookup. */
const bounded = (raw: string): string => {
  if (raw.length > MAX_TOKEN_LENGTH) throw new AppError('TOKEN_INVALID');
  return raw;
};

export interface LogoutRequest {
  /** The argument, or in cookie mode the refresh cookie. */
  refreshToken?: string;
  everywhere: boolean;
  /** The signed-in user, loaded only when needed. */
  viewer(): Promise<User | null>;
  /** The session of the request's access token, if it has one. */
  sessionId?: string;
}

export class UserSessions {
  constructor(private readonly sessions: SessionService) {}

  /** The user's live sessions, most recently used first. */
  live(em: EntityManager, user: User): Promise<Session[]> {
    return em.find(
      Session,
      { user: user.id, revokedAt: null, expiresAt: { $gt: new Date() }, tokenVersion: user.tokenVersion },
      { orderBy: { lastUsedAt: 'desc' }, limit: 200 },
    );
  }

  /** False when there is no such live session of theirs. */
  async revoke(em: EntityManager, user: User, id: string): Promise<boolean> {
    if (id.length > 64) return false;
    return this.sessions.revokeSession(em, id, user.id);
  }

  revokeToken(em: EntityManager, refreshToken: string): Promise<boolean> {
    return this.sessions.revokeByToken(em, bounded(refreshToken));
  }

  /** This session (the refresh token's, else the access token's), or with `everywhere` all of the viewer's or the token's user. */
  async logout(em: EntityManager, { refreshToken, everywhere, viewer, sessionId }: LogoutRequest): Promise<boolean> {
    if (everywhere) {
      const userId = (await viewer())?.id ?? (refreshToken ? await this.sessions.userOfToken(em, bounded(refreshToken)) : null);
      if (!userId) throw unauthenticated('MISSING_TOKEN');
      return (await this.sessions.revokeAll(em, userId)) > 0;
    }
    if (refreshToken) return this.sessions.revokeByToken(em, bounded(refreshToken));
    const user = await viewer();
    if (user && sessionId) return this.sessions.revokeSession(em, sessionId, user.id);
    return false;
  }
}
