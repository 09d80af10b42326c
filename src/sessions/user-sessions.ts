// What a user (or a holder of a refresh token) does with sessions: list the
// live ones, end one, end the current one or all of them. Only live tokens
// act: a dead refresh token is TOKEN_INVALID and ends nothing.
import type { EntityManager } from '@mikro-orm/core';
import type { AuditAction } from '../audit/actions';
import type { AuditDetail, AuditLog } from '../audit/audit-log';
import { Session, type User } from '../entities';
import { AppError, unauthenticated } from '../errors';
import type { Outbox } from '../events/outbox';
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

/** What ended: one session, or every session of the user. */
type Ended = { userId: number; sessionId: string } | { userId: number; all: true };

export class UserSessions {
  constructor(
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
  ) {}

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
    return this.recorded(em, 'session.revoked', { userId: user.id, sessionId: id }, (tx) => this.sessions.revokeSession(tx, id, user.id));
  }

  async revokeToken(em: EntityManager, refreshToken: string): Promise<boolean> {
    return this.byToken(em, 'session.revoked', bounded(refreshToken));
  }

  /** This session (the refresh token's, else the access token's), or with `everywhere` all of the viewer's or the token's user. */
  async logout(em: EntityManager, { refreshToken, everywhere, viewer, sessionId }: LogoutRequest): Promise<boolean> {
    if (everywhere) {
      const userId = (await viewer())?.id ?? (refreshToken ? await this.sessions.userOfToken(em, bounded(refreshToken)) : null);
      if (!userId) throw unauthenticated('MISSING_TOKEN');
      return this.recorded(em, 'sign_out', { userId, all: true }, async (tx) => (await this.sessions.revokeAll(tx, userId)) > 0);
    }
    if (refreshToken) return this.byToken(em, 'sign_out', bounded(refreshToken));
    const user = await viewer();
    if (user && sessionId) return this.recorded(em, 'sign_out', { userId: user.id, sessionId }, (tx) => this.sessions.revokeSession(tx, sessionId, user.id));
    return false;
  }

  private async byToken(em: EntityManager, action: AuditAction, raw: string): Promise<boolean> {
    const row = await this.sessions.sessionOfToken(em, raw);
    return this.recorded(em, action, { userId: row.userId, sessionId: row.sessionId }, (tx) => this.sessions.revokeByToken(tx, raw));
  }

  /** Ends sessions with `end`; when it ended any, the audit row and session.revoked commit with it. */
  private recorded(em: EntityManager, action: AuditAction, ended: Ended, end: (tx: EntityManager) => Promise<boolean>): Promise<boolean> {
    return em.transactional(async (tx) => {
      if (!(await end(tx))) return false;
      const detail: AuditDetail = 'all' in ended ? { all: true } : { sessionId: ended.sessionId };
      this.audit.record(tx, { action, actor: { id: ended.userId }, target: 'all' in ended ? undefined : `session:${ended.sessionId}`, detail });
      await this.outbox.emit(tx, 'session.revoked', { userId: String(ended.userId), sessionId: 'all' in ended ? null : ended.sessionId, all: 'all' in ended });
      return true;
    });
  }
}
