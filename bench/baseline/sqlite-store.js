'use strict';
// The baseline's SQLite: better-sqlite3 with the pragmas authql sets and one
// prepared statement per query, run synchronously on the event loop.
const Database = require('better-sqlite3');

const USER_COLUMNS = 'u.id, u.username, u.email, u.first_name, u.last_name, u.is_active, u.is_staff, u.is_superuser, u.date_joined, u.token_version';
const LIVE_SESSION = '(select count(*) from sessions s where s.id = ? and s.user_id = u.id and s.revoked_at is null) as live_session';

function openSqliteStore(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const q = {
    check: db.prepare(`select u.id, u.is_active, u.token_version, ${LIVE_SESSION} from users u where u.id = ?`),
    viewer: db.prepare(`select ${USER_COLUMNS}, ${LIVE_SESSION} from users u where u.id = ?`),
    page: db.prepare(
      'select id, username, email, email_verified, first_name, last_name, is_active, is_staff, is_superuser, date_joined, last_login from users where id > ? order by id limit ?',
    ),
    token: db.prepare(
      `select r.secret_hash, s.id as session_id, s.created_at, s.expires_at, s.revoked_at, s.token_version as session_version, ${USER_COLUMNS} from refresh_tokens r join sessions s on s.id = r.session_id join users u on u.id = s.user_id where r.id = ?`,
    ),
    claim: db.prepare('update refresh_tokens set used_at = ? where id = ? and used_at is null'),
    insertToken: db.prepare('insert into refresh_tokens (id, session_id, secret_hash, created_at) values (?, ?, ?, ?)'),
    touchSession: db.prepare('update sessions set last_used_at = ? where id = ?'),
    byLogin: db.prepare('select * from users where username_key = ? or email_key = ? limit 2'),
    stampLogin: db.prepare('update users set last_login = ? where id = ?'),
    insertSession: db.prepare(
      'insert into sessions (id, user_id, created_at, last_used_at, expires_at, token_version, user_agent, ip) values (?, ?, ?, ?, ?, ?, null, null)',
    ),
  };
  const rotate = db.transaction((tokenId, check, now, next) => {
    const row = q.token.get(tokenId);
    const problem = check(row);
    if (problem) return { problem };
    if (q.claim.run(now, tokenId).changes !== 1) return { problem: 'REFRESH_TOKEN_REUSED' };
    q.insertToken.run(next.id, row.session_id, next.hash, now);
    q.touchSession.run(now, row.session_id);
    return { row };
  });
  const startSession = db.transaction((s, token) => {
    q.insertSession.run(s.id, s.userId, s.now, s.now, s.expiresAt, s.tokenVersion);
    q.insertToken.run(token.id, s.id, token.hash, s.now);
  });
  return {
    check: async (userId, sid) => q.check.get(sid, userId),
    viewer: async (userId, sid) => q.viewer.get(sid, userId),
    page: async (afterId, limit) => q.page.all(afterId, limit),
    // BEGIN IMMEDIATE, as authql's write transactions.
    rotate: async (tokenId, check, now, next) => rotate.immediate(tokenId, check, now, next),
    byLogin: async (key) => q.byLogin.all(key, key),
    stampLogin: async (userId, now) => void q.stampLogin.run(now, userId),
    startSession: async (s, token) => startSession.immediate(s, token),
  };
}

module.exports = { openSqliteStore };
