'use strict';
// The baseline's PostgreSQL: a pg pool the size of authql's
// (DATABASE_POOL_MAX, 10) and named statements, which PostgreSQL prepares
// once per connection.
const { Pool } = require('pg');

const USER_COLUMNS = 'u.id, u.username, u.email, u.first_name, u.last_name, u.is_active, u.is_staff, u.is_superuser, u.date_joined, u.token_version';
const LIVE_SESSION = '(select count(*) from sessions s where s.id = $1 and s.user_id = u.id and s.revoked_at is null) as live_session';
const SQL = {
  check: `select u.id, u.is_active, u.token_version, ${LIVE_SESSION} from users u where u.id = $2`,
  viewer: `select ${USER_COLUMNS}, ${LIVE_SESSION} from users u where u.id = $2`,
  page: 'select id, username, email, email_verified, first_name, last_name, is_active, is_staff, is_superuser, date_joined, last_login from users where id > $1 order by id limit $2',
  token: `select r.secret_hash, s.id as session_id, s.created_at, s.expires_at, s.revoked_at, s.token_version as session_version, ${USER_COLUMNS} from refresh_tokens r join sessions s on s.id = r.session_id join users u on u.id = s.user_id where r.id = $1`,
  claim: 'update refresh_tokens set used_at = $1 where id = $2 and used_at is null',
  insertToken: 'insert into refresh_tokens (id, session_id, secret_hash, created_at) values ($1, $2, $3, $4)',
  touchSession: 'update sessions set last_used_at = $1 where id = $2',
  byLogin: 'select * from users where username_key = $1 or email_key = $1 limit 2',
  stampLogin: 'update users set last_login = $1 where id = $2',
  insertSession:
    'insert into sessions (id, user_id, created_at, last_used_at, expires_at, token_version, user_agent, ip) values ($1, $2, $3, $3, $4, $5, null, null)',
};

function openPgStore(url, max = 10) {
  const pool = new Pool({ connectionString: url, max });
  const run = (client, name, values) => client.query({ name, text: SQL[name], values });

  async function inTransaction(work) {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const out = await work(client);
      await client.query(out?.problem ? 'rollback' : 'commit');
      return out;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  return {
    check: async (userId, sid) => (await run(pool, 'check', [sid, userId])).rows[0],
    viewer: async (userId, sid) => (await run(pool, 'viewer', [sid, userId])).rows[0],
    page: async (afterId, limit) => (await run(pool, 'page', [afterId, limit])).rows,
    rotate: (tokenId, check, now, next) =>
      inTransaction(async (c) => {
        const row = (await run(c, 'token', [tokenId])).rows[0];
        const problem = check(row);
        if (problem) return { problem };
        if ((await run(c, 'claim', [new Date(now), tokenId])).rowCount !== 1) return { problem: 'REFRESH_TOKEN_REUSED' };
        await run(c, 'insertToken', [next.id, row.session_id, next.hash, new Date(now)]);
        await run(c, 'touchSession', [new Date(now), row.session_id]);
        return { row };
      }),
    byLogin: async (key) => (await run(pool, 'byLogin', [key])).rows,
    stampLogin: async (userId, now) => void (await run(pool, 'stampLogin', [new Date(now), userId])),
    startSession: (s, token) =>
      inTransaction(async (c) => {
        await run(c, 'insertSession', [s.id, s.userId, new Date(s.now), new Date(s.expiresAt), s.tokenVersion]);
        await run(c, 'insertToken', [token.id, s.id, token.hash, new Date(s.now)]);
      }),
  };
}

module.exports = { openPgStore };
