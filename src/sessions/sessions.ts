// Sessions and refresh-token rotation.
//
// Guarantees:
// - a refresh token works once; its successor is derived from it (see
//   opaque-token.ts), so concurrent refreshes all get the same successor and
//   exactly one successor row is ever written (primary key + conditional update);
// - presenting a rotated token once its successor has been used, or after
//   JWT_REFRESH_RETRY_WINDOW, ends the whole session and answers
//   REFRESH_TOKEN_REUSED;
// - logout and revokeToken act only on a live token: a dead one changes nothing;
// - no session outlives its first sign-in + JWT_REFRESH_EXPIRATION_DELTA;
// - a token-version bump (password change, deactivation) ends every session.
import { type EntityManager, type EntityMetadata, ReferenceKind } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Config } from '../config';
import { fixedTransaction } from '../db/fixed-transaction';
import { rawRows } from '../db/raw-query';
import { RefreshToken, Session, User } from '../entities';
import { loadedColumns } from '../entities/loaded-columns';
import { AppError, withReason } from '../errors';
import { type AccessClaims, type JwtService, nowSeconds } from './jwt';
import { formatToken, hashSecret, newOpaqueToken, newTokenId, type OpaqueToken, parseToken, secretMatches, successorOf } from './opaque-token';
import { RotationSql, rotationSteps, type SessionFacts, sessionProblem } from './rotation';

export interface ClientMeta {
  ip?: string | null;
  userAgent?: string | null;
}

/** A session and the credentials issued for it: what every sign-in and refresh hands out. */
export interface IssuedSession {
  /** A sign-in's new Session; a refresh's session as its row says (rotation.ts). */
  session: SessionFacts;
  user: User;
  /** The access JWT and its claims. */
  accessToken: string;
  claims: AccessClaims;
  /** Present unless JWT_ALLOW_REFRESH=false. */
  refreshToken: string | null;
}

/**
 * Why a session refused to extend an access token (reissue): refreshing is
 * off, or the session's refresh window (orig_iat + JWT_REFRESH_EXPIRATION_DELTA)
 * is over. A class of its own so an edge can say which, as
 * djangorestframework-jwt did ("Refresh has expired.").
 */
export class ReissueRefused extends AppError {
  constructor(readonly why: 'disabled' | 'window_over') {
    super(
      why === 'disabled' ? 'TOKEN_INVALID' : 'TOKEN_EXPIRED',
      why === 'disabled' ? 'Refreshing tokens is disabled.' : 'The session has ended: sign in again.',
    );
  }
}

const MAX_USER_AGENT = 512;
/** The longest token (access or refresh) worth looking up; longer ones are TOKEN_INVALID at once. */
export const MAX_TOKEN_LENGTH = 4096;

export class SessionService {
  /** Built on the first refresh, from the ORM's metadata. */
  private rotationSql: RotationSql | undefined;

  constructor(
    private readonly cfg: Config['jwt'],
    private readonly jwt: JwtService,
  ) {}

  /**
   * Adds a new session (and its first refresh token) to the unit of work and
   * signs its access token; nothing is written until the caller flushes. The
   * sign-in pipeline (sign-in/pipeline.ts) is the only caller: it flushes the
   * session together with the rest of the sign-in, in one transaction.
   */
  start(em: EntityManager, user: User, meta: ClientMeta, amr: readonly string[] = []): IssuedSession {
    const now = new Date();
    const session = em.create(Session, {
      id: newTokenId(),
      user,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + this.cfg.refreshExpirationDelta * 1000),
      tokenVersion: user.tokenVersion,
      userAgent: meta.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      ip: meta.ip ?? null,
      amr: amr.join(' '),
      authTime: now,
    });
    let refreshToken: string | null = null;
    if (this.cfg.allowRefresh) {
      const token = newOpaqueToken();
      em.create(RefreshToken, { id: token.id, session, secretHash: hashSecret(token.secret), createdAt: now });
      refreshToken = formatToken(token);
    }
    return this.issue(session, user, refreshToken);
  }

  private issue(session: SessionFacts, user: User, refreshToken: string | null): IssuedSession {
    const { token, payload } = this.jwt.sign({
      userId: user.id,
      username: user.username,
      tokenVersion: user.tokenVersion,
      origIat: Math.floor(session.createdAt.getTime() / 1000),
      sessionId: session.id,
      // Refresh and reissue sign from the session, so they keep what its sign-in proved.
      amr: sessionAmr(session),
      authTime: Math.floor((session.authTime ?? session.createdAt).getTime() / 1000),
    });
    return { session, user, accessToken: token, claims: payload, refreshToken };
  }

  /**
   * Exchanges a refresh token for its successor; throws a catalogue error
   * otherwise. The statements are rotation.ts's, in one transaction; the
   * user becomes a managed entity of `em` only once they have committed.
   */
  async rotate(em: EntityManager, raw: string): Promise<IssuedSession> {
    if (!this.cfg.allowRefresh) throw new AppError('TOKEN_INVALID', 'Refreshing tokens is disabled.');
    const token = parseToken(raw);
    if (!token) throw new AppError('TOKEN_INVALID');
    const sqlEm = em as SqlEntityManager;
    this.rotationSql ??= new RotationSql(em.getMetadata(), em.getPlatform());
    const input = {
      token,
      next: successorOf(token, this.jwt.hmacKey),
      now: new Date(),
      retryWindowMs: Math.max(this.cfg.refreshReuseInterval, this.cfg.refreshRetryWindow) * 1000,
    };
    const outcome = await fixedTransaction(sqlEm, () => rotationSteps(this.rotationSql as RotationSql, input));
    if (outcome.kind === 'reused') throw new AppError('REFRESH_TOKEN_REUSED');
    if (outcome.kind === 'fail') throw outcome.reason ? withReason('TOKEN_INVALID', outcome.reason) : new AppError(outcome.code);
    return this.issue(outcome.session, em.map(User, outcome.user), formatToken(input.next));
  }

  /**
   * A new access token in the session of an access token the caller has
   * already checked (sessions/access.ts verifyAccessToken): the same session
   * and orig_iat, a new exp, no refresh token and no rotation. This is
   * djangorestframework-jwt's refresh; it starts no session, so the session's
   * end and its token-version and revocation rules still hold.
   */
  async reissue(em: EntityManager, claims: AccessClaims): Promise<IssuedSession> {
    if (!this.cfg.allowRefresh) throw new ReissueRefused('disabled');
    const session = await em.findOne(Session, { id: claims.sid, user: Number(claims.sub) }, { populate: ['user'] });
    if (!session) throw new AppError('TOKEN_INVALID');
    const problem = sessionProblem(session, session.user);
    const ended = problem?.kind === 'fail' && problem.code === 'TOKEN_EXPIRED';
    if (ended || nowSeconds() > claims.orig_iat + this.cfg.refreshExpirationDelta) throw new ReissueRefused('window_over');
    if (problem?.kind === 'fail') throw problem.reason ? withReason('TOKEN_INVALID', problem.reason) : new AppError(problem.code);
    session.lastUsedAt = new Date();
    await em.flush();
    return this.issue(session, session.user, null);
  }

  /**
   * Ends the session of a live refresh token (see liveToken). Any other
   * token is TOKEN_INVALID and changes nothing, so a leaked old token cannot
   * sign its owner out.
   */
  async revokeByToken(em: EntityManager, raw: string): Promise<true> {
    const row = await this.liveToken(em, raw);
    const ended = await em.nativeUpdate(Session, { id: row.session.id, revokedAt: null }, { revokedAt: new Date() });
    if (ended === 0) throw new AppError('TOKEN_INVALID'); // another request ended it first
    return true;
  }

  /** The session and user of a live refresh token; TOKEN_INVALID for any other token. */
  async sessionOfToken(em: EntityManager, raw: string): Promise<{ sessionId: string; userId: number }> {
    const row = await this.liveToken(em, raw);
    return { sessionId: row.session.id, userId: row.session.user.id };
  }

  /** The user a live refresh token belongs to; TOKEN_INVALID for any other token. */
  async userOfToken(em: EntityManager, raw: string): Promise<number> {
    return (await this.liveToken(em, raw)).session.user.id;
  }

  /**
   * The stored row of a token that can still act: its session's current
   * token, or one rotated within JWT_REFRESH_REUSE_INTERVAL, of a session
   * that is live. Rotated-away, revoked, expired and unknown tokens are all
   * TOKEN_INVALID (no reason: a stranger's token learns nothing).
   */
  private async liveToken(em: EntityManager, raw: string): Promise<RefreshToken> {
    const token = parseToken(raw);
    const row = token && (await findToken(em, token));
    if (!row || sessionProblem(row.session, row.session.user)) throw new AppError('TOKEN_INVALID');
    if (row.usedAt && Date.now() - row.usedAt.getTime() > this.cfg.refreshReuseInterval * 1000) throw new AppError('TOKEN_INVALID');
    return row;
  }

  /** Ends one session of a user; false when it is not theirs or already ended. */
  async revokeSession(em: EntityManager, sessionId: string, userId: number): Promise<boolean> {
    return (await em.nativeUpdate(Session, { id: sessionId, user: userId, revokedAt: null }, { revokedAt: new Date() })) > 0;
  }

  /** Ends every live session of a user but `keep` (enrolling a second factor ends the others). */
  async revokeOthers(em: EntityManager, userId: number, keep: string | null): Promise<number> {
    const others = keep ? { id: { $ne: keep } } : {};
    return em.nativeUpdate(Session, { user: userId, revokedAt: null, ...others }, { revokedAt: new Date() });
  }

  /** Ends every live session of a user (password change, deactivation, "log out everywhere"). */
  async revokeAll(em: EntityManager, userId: number): Promise<number> {
    return em.nativeUpdate(Session, { user: userId, revokedAt: null }, { revokedAt: new Date() });
  }
}

/** The session's RFC 8176 methods; none for sessions from before they were recorded. */
export const sessionAmr = (session: Pick<Session, 'amr'>): string[] => (session.amr ? session.amr.split(' ') : []);

/**
 * The stored row of a presented token, with its session and user, as managed
 * entities; null unless the secret matches. One hand-written read (db/raw-query.ts):
 * MikroORM's findOne with the two joins cost about 4 ms of CPU, most of a
 * refresh, where the statement itself takes a tenth of a millisecond.
 */
async function findToken(em: EntityManager, token: OpaqueToken): Promise<RefreshToken | null> {
  const sqlEm = em as SqlEntityManager;
  const [found] = await rawRows(sqlEm, tokenQuery(sqlEm), [token.id]);
  if (!found) return null;
  const parts: Record<'t' | 's' | 'u', Record<string, unknown>> = { t: {}, s: {}, u: {} };
  for (const key in found) parts[key[0] as 't' | 's' | 'u'][key.slice(3)] = found[key];
  em.map(User, parts.u);
  em.map(Session, parts.s);
  const row = em.map(RefreshToken, parts.t);
  return secretMatches(token.secret, row.secretHash) ? row : null;
}

/** Stored columns and foreign keys (an entity's own row), for a token and its session. */
const rowColumns = (meta: EntityMetadata): string[] =>
  meta.props
    .filter((p) => p.persist !== false && !p.formula && (p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE))
    .flatMap((p) => p.fieldNames ?? []);

let tokenSql: string | undefined;
function tokenQuery(em: SqlEntityManager): string {
  if (tokenSql === undefined) {
    const metadata = em.getMetadata();
    const pick = (alias: string, columns: readonly string[]) => columns.map((c) => `${alias}."${c}" as "${alias}__${c}"`);
    const columns = [
      ...pick('t', rowColumns(metadata.get(RefreshToken.name))),
      ...pick('s', rowColumns(metadata.get(Session.name))),
      ...pick('u', loadedColumns(metadata.get(User.name)).columns),
    ];
    tokenSql =
      `select ${columns.join(', ')} from refresh_tokens t join sessions s on s.id = t.session_id ` + 'join users u on u.id = s.user_id where t.id = ? limit 1';
  }
  return tokenSql;
}
