// The refresh-token rotation as fixed statements in one write transaction
// (db/fixed-transaction.ts): find the token with its session and user, check
// them, claim the token with a conditional update (the lock: only one caller
// flips used_at), write the successor and touch the session. No entity is
// loaded inside: the user is mapped once, by the caller, after the commit.
// MikroORM's transactional fork, findOne with its joins and the unit of work
// were most of a refresh's CPU, where the statements take a tenth of a
// millisecond. The rules are sessions.ts's (see its header).
import type { EntityMetadata, MetadataStorage, Platform } from '@mikro-orm/core';
import type { Steps } from '../db/fixed-transaction';
import type { Row } from '../db/raw-query';
import { RefreshToken, Session, User } from '../entities';
import { loadedColumns } from '../entities/loaded-columns';
import type { ErrorReason } from '../errors';
import { hashSecret, type OpaqueToken, secretMatches } from './opaque-token';

/** What a refresh needs of its session to check it and sign from it. */
export type SessionFacts = Pick<Session, 'id' | 'createdAt' | 'expiresAt' | 'revokedAt' | 'tokenVersion' | 'amr' | 'authTime'>;

export type SessionProblem =
  | { kind: 'fail'; code: 'TOKEN_INVALID'; reason?: ErrorReason<'TOKEN_INVALID'> }
  | { kind: 'fail'; code: 'TOKEN_EXPIRED'; reason?: undefined };

export type RotateOutcome =
  /** `user` is the user's row, for the caller to map. */
  { kind: 'ok'; session: SessionFacts; user: Row } | { kind: 'reused' } | SessionProblem;

export interface RotationInput {
  token: OpaqueToken;
  next: OpaqueToken;
  now: Date;
  /** How long after its rotation a token whose successor is unused still gets that successor (ms). */
  retryWindowMs: number;
}

/** Why a session cannot be refreshed (revoked, over, user inactive, token version bumped); null when it can. */
export function sessionProblem(
  session: Omit<SessionFacts, 'id' | 'createdAt' | 'amr' | 'authTime'>,
  user: Pick<User, 'isActive' | 'tokenVersion'>,
): SessionProblem | null {
  if (session.revokedAt) return { kind: 'fail', code: 'TOKEN_INVALID', reason: 'SESSION_REVOKED' };
  if (session.expiresAt.getTime() <= Date.now()) return { kind: 'fail', code: 'TOKEN_EXPIRED' };
  if (!user.isActive) return { kind: 'fail', code: 'TOKEN_INVALID', reason: 'USER_INACTIVE' };
  if (user.tokenVersion !== session.tokenVersion) return { kind: 'fail', code: 'TOKEN_INVALID', reason: 'SESSION_REVOKED' };
  return null;
}

/** The rotation's statements; the caller runs them with fixedTransaction. */
export function* rotationSteps(sql: RotationSql, { token, next, now, retryWindowMs }: RotationInput): Steps<RotateOutcome> {
  const [row] = (yield { sql: sql.find, bindings: [token.id] }).rows;
  if (!row || !secretMatches(token.secret, String(row.t__secret_hash))) return { kind: 'fail', code: 'TOKEN_INVALID' };
  const session = sql.sessionOf(row);
  const user = sql.userOf(row);
  const problem = sessionProblem(session, { isActive: Boolean(user[sql.userActive]), tokenVersion: Number(user[sql.userVersion]) });
  if (problem) return problem;

  if ((yield { sql: CLAIM_TOKEN, bindings: [now, token.id] }).changes === 1) {
    yield { sql: INSERT_SUCCESSOR, bindings: [next.id, session.id, hashSecret(next.secret), now] };
    yield { sql: TOUCH_SESSION, bindings: [now, session.id] };
    return { kind: 'ok', session, user };
  }

  // Already rotated: a concurrent or retried refresh gets the same
  // successor as long as that one is still unused, inside the grace window
  // or the (longer) retry window. An unused successor means nobody has
  // moved on from this token: most likely its answer was lost (a crash, a
  // restart slower than the grace window). Once the successor is used, the
  // old token can only be a replay, and the session ends.
  const { rows } = yield { sql: USED_AT_OF_BOTH, bindings: [token.id, next.id] };
  const usedAt = (id: string) => rows.find((r) => r.id === id)?.used_at;
  const rotatedAt = sql.date(usedAt(token.id))?.getTime() ?? 0;
  const successor = rows.some((r) => r.id === next.id);
  if (successor && !usedAt(next.id) && now.getTime() - rotatedAt <= retryWindowMs) return { kind: 'ok', session, user };
  yield { sql: REVOKE_SESSION, bindings: [now, session.id] };
  return { kind: 'reused' };
}

const CLAIM_TOKEN = 'update refresh_tokens set used_at = ? where id = ? and used_at is null';
const INSERT_SUCCESSOR = 'insert into refresh_tokens (id, session_id, secret_hash, created_at) values (?, ?, ?, ?)';
const TOUCH_SESSION = 'update sessions set last_used_at = ? where id = ?';
const USED_AT_OF_BOTH = 'select id, used_at from refresh_tokens where id in (?, ?)';
const REVOKE_SESSION = 'update sessions set revoked_at = ? where id = ? and revoked_at is null';

/**
 * The find query and how to read its row, derived once from the metadata:
 * the session's columns by property name, the user's as every other hand
 * load reads them (loaded-columns.ts), so the caller can map it as an entity.
 */
export class RotationSql {
  readonly find: string;
  readonly userActive: string;
  readonly userVersion: string;
  private readonly sessionColumns: ReadonlyArray<readonly [keyof SessionFacts, string]>;
  private readonly userColumns: readonly string[];

  constructor(
    metadata: MetadataStorage,
    private readonly platform: Platform,
  ) {
    const session = metadata.get(Session.name);
    const user = metadata.get(User.name);
    const facts: (keyof SessionFacts)[] = ['id', 'createdAt', 'expiresAt', 'revokedAt', 'tokenVersion', 'amr', 'authTime'];
    this.sessionColumns = facts.map((p) => [p, columnOf(session, p)] as const);
    this.userColumns = loadedColumns(user).columns;
    this.userActive = columnOf(user, 'isActive');
    this.userVersion = columnOf(user, 'tokenVersion');
    const columns = [
      `t."${columnOf(metadata.get(RefreshToken.name), 'secretHash')}" as "t__secret_hash"`,
      ...this.sessionColumns.map(([, c]) => `s."${c}" as "s__${c}"`),
      ...this.userColumns.map((c) => `u."${c}" as "u__${c}"`),
    ];
    this.find = `select ${columns.join(', ')} from refresh_tokens t join sessions s on s.id = t.session_id join users u on u.id = s.user_id where t.id = ? limit 1`;
  }

  sessionOf(row: Row): SessionFacts {
    const value = (c: string) => row[`s__${c}`];
    const [id, createdAt, expiresAt, revokedAt, tokenVersion, amr, authTime] = this.sessionColumns.map(([, c]) => value(c));
    return {
      id: String(id),
      createdAt: this.date(createdAt) as Date,
      expiresAt: this.date(expiresAt) as Date,
      revokedAt: this.date(revokedAt),
      tokenVersion: Number(tokenVersion),
      amr: String(amr ?? ''),
      authTime: this.date(authTime),
    };
  }

  /** The user's columns (unprefixed), for em.map. */
  userOf(row: Row): Row {
    const user: Row = {};
    for (const c of this.userColumns) user[c] = row[`u__${c}`];
    return user;
  }

  /** A stored date as a Date: SQLite keeps milliseconds, PostgreSQL answers text (MikroORM's type parsers). */
  date(value: unknown): Date | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value;
    return this.platform.parseDate(value as string) as Date;
  }
}

function columnOf(meta: EntityMetadata, property: string): string {
  const column = meta.properties[property as keyof typeof meta.properties]?.fieldNames?.[0];
  if (!column) throw new Error(`${meta.className}.${property} has no column`);
  return column;
}
