// Who is calling: the access token the request presented (http/credentials.ts
// reads it) is checked up front (cheap); the user is loaded once, on first
// need, in a single query that also checks the session the token was issued in.
import type { SqlEntityManager } from '@mikro-orm/knex';
import { rawRows } from '../db/raw-query';
import { User } from '../entities';
import { loadedColumns, plainEntity } from '../entities/loaded-columns';
import { AppError, type AuthFailureReason, withReason } from '../errors';
import type { AccessClaims, JwtService } from './jwt';
import { MAX_TOKEN_LENGTH } from './sessions';

export type AuthState = { kind: 'anonymous' } | { kind: 'failed'; reason: AuthFailureReason; message?: string } | { kind: 'token'; claims: AccessClaims };

/** The state of a presented access token (none: anonymous). */
export function accessState(token: string | undefined, jwt: JwtService): AuthState {
  if (token === undefined) return { kind: 'anonymous' };
  const result = jwt.verify(token);
  return result.ok ? { kind: 'token', claims: result.claims } : { kind: 'failed', reason: result.reason };
}

/** What checking a token needs; loading the viewer reads every column but hidden and lazy ones (the password hash). */
const CHECK_COLUMNS = ['id', 'is_active', 'token_version'];

/** What a well-signed token can still be refused for once its user and session are looked up. */
type ViewerProblem = Extract<AuthFailureReason, 'TOKEN_INVALID' | 'USER_INACTIVE'>;

/**
 * One query: the user's row (chosen columns) and whether the token's session
 * is live, written once per column list (db/raw-query.ts: building it with
 * knex's query builder on every request cost more than running it).
 */
const viewerSql = new Map<readonly string[], string>();
function viewerQuery(columns: readonly string[]): string {
  let sql = viewerSql.get(columns);
  if (sql === undefined) {
    sql =
      `select ${columns.map((c) => `u."${c}"`).join(', ')}, ` +
      '(select count(*) from sessions s where s.id = ? and s.user_id = u.id and s.revoked_at is null) as live_session ' +
      'from users u where u.id = ? limit 1';
    viewerSql.set(columns, sql);
  }
  return sql;
}

async function viewerRow(
  em: SqlEntityManager,
  claims: AccessClaims,
  columns: readonly string[],
): Promise<{ row: Record<string, unknown> } | { reason: ViewerProblem }> {
  // Every access token names its session (jwt.ts refuses one without): a token outside any session could never be revoked.
  const [row] = await rawRows(em, viewerQuery(columns), [claims.sid, Number(claims.sub)]);
  if (!row) return { reason: 'TOKEN_INVALID' };
  const liveSession = Number(row.live_session) === 1;
  delete row.live_session;
  // Inactive first: it is the reason a client should show, whatever else died with it.
  if (!row.is_active) return { reason: 'USER_INACTIVE' };
  if (!liveSession || Number(row.token_version) !== claims.ver) return { reason: 'TOKEN_INVALID' };
  return { row };
}

/** Null when the token's user still exists, is active, has the same token version and a live session. */
export async function checkAccessClaims(em: SqlEntityManager, claims: AccessClaims): Promise<ViewerProblem | null> {
  const r = await viewerRow(em, claims, CHECK_COLUMNS);
  return 'reason' in r ? r.reason : null;
}

/**
 * The token's user when the token still holds (see checkAccessClaims): a
 * managed entity, which a flush writes back, or for a request that changes
 * nothing (`managed: false`, a query) a plain one (entities/loaded-columns.ts).
 */
export async function loadViewer(
  em: SqlEntityManager,
  claims: AccessClaims,
  opts: { managed: boolean } = { managed: true },
): Promise<{ user: User } | { reason: ViewerProblem }> {
  const r = await viewerRow(em, claims, loadedColumns(em.getMetadata().get(User.name)).columns);
  if ('reason' in r) return r;
  return { user: opts.managed ? em.map(User, r.row) : plainEntity(em, User, r.row) };
}

/** verifyToken: the token's signature and claims, then its user and session; TOKEN_INVALID (with the reason) or TOKEN_EXPIRED otherwise. */
export async function verifyAccessToken(em: SqlEntityManager, jwt: JwtService, token: string): Promise<AccessClaims> {
  if (token.length > MAX_TOKEN_LENGTH) throw new AppError('TOKEN_INVALID');
  const claims = jwt.verifyOrThrow(token);
  const reason = await checkAccessClaims(em, claims);
  if (reason) throw withReason('TOKEN_INVALID', reason);
  return claims;
}
