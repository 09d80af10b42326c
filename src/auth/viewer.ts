// Who is calling: read from `Authorization: <prefix> <token>` (the configured
// prefix, JWT by default, or Bearer). The header is checked up front (cheap),
// the user is loaded once, on first need, in a single query that also checks
// the session the token was issued in.
import type { SqlEntityManager } from '@mikro-orm/knex';
import { User } from '../entities';
import type { AuthFailureReason } from '../errors';
import type { AccessClaims, JwtService } from './jwt';

export type AuthState =
  | { kind: 'anonymous' }
  | { kind: 'failed'; reason: AuthFailureReason }
  | { kind: 'token'; claims: AccessClaims };

export function readAuthorization(header: string | undefined, preferredPrefix: string, jwt: JwtService): AuthState {
  if (header === undefined || header === '') return { kind: 'anonymous' };
  const m = /^(\S+) +(\S+)$/.exec(header.trim());
  if (!m) return { kind: 'failed', reason: 'TOKEN_INVALID' };
  const prefix = m[1].toLowerCase();
  if (prefix !== preferredPrefix.toLowerCase() && prefix !== 'jwt' && prefix !== 'bearer') {
    return { kind: 'failed', reason: 'TOKEN_INVALID' };
  }
  const result = jwt.verify(m[2]);
  return result.ok ? { kind: 'token', claims: result.claims } : { kind: 'failed', reason: result.reason };
}

/** The token's user if it still exists, is active, has the same token version and a live session. */
export async function loadViewer(em: SqlEntityManager, claims: AccessClaims): Promise<{ user: User } | { reason: AuthFailureReason }> {
  const knex = em.getKnex();
  const query = knex('users as u').select('u.*').where('u.id', Number(claims.sub)).first();
  if (claims.sid) {
    query.select(knex.raw('(select count(*) from sessions s where s.id = ? and s.user_id = u.id and s.revoked_at is null) as live_session', [claims.sid]));
  }
  const row = (await query) as Record<string, unknown> | undefined;
  if (!row) return { reason: 'TOKEN_INVALID' };
  const liveSession = !claims.sid || Number(row.live_session) === 1;
  delete row.live_session;
  delete row.password;
  const user = em.map(User, row);
  // Inactive first: it is the reason a client should show, whatever else died with it.
  if (!user.isActive) return { reason: 'USER_INACTIVE' };
  if (!liveSession || user.tokenVersion !== claims.ver) return { reason: 'TOKEN_INVALID' };
  return { user };
}
