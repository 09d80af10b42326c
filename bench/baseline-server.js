'use strict';
// The benchmark's baseline: a bare node:http server doing, per request, the
// work authql does for the same operation, without GraphQL or the ORM: the
// same JWT library with a KeyObject key, the same SQL through the same driver
// (sqlite3 via knex, as MikroORM uses it), the same argon2 library, and
// authql's own opaque-token helpers. It answers in GraphQL's `{ data }` shape
// so the benchmark reads both servers alike. Started by bench/run.js.
const crypto = require('node:crypto');
const http = require('node:http');
const jwt = require('jsonwebtoken');
const { verify: argonVerify } = require('@node-rs/argon2');
const opaque = require('../dist/src/sessions/opaque-token');
const { openDatabase } = require('./database');

const env = process.env;
const key = crypto.createSecretKey(Buffer.from(env.JWT_SECRET_KEY, 'utf8'));
// Successors only ever come back to this server, so any server key will do.
const hmacKey = crypto.randomBytes(32);
const EXPIRES = Number(env.JWT_EXPIRATION_DELTA ?? 300);
const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const db = openDatabase(env.BENCH_DB_PATH);
const nowSeconds = () => Math.floor(Date.now() / 1000);

class Refused extends Error {}

function verifyAccess(token) {
  let c;
  try {
    c = jwt.verify(token, key, { algorithms: ['HS256'] });
  } catch {
    throw new Refused('TOKEN_INVALID');
  }
  const shapeOk = c.typ === 'access' && typeof c.sub === 'string' && /^\d{1,15}$/.test(c.sub) && Number.isInteger(c.ver) && Number.isInteger(c.exp);
  if (!shapeOk || c.iat > nowSeconds()) throw new Refused('TOKEN_INVALID');
  return c;
}

/** viewer.ts's query: the user, and whether the token's session is live. */
async function loadViewer(claims) {
  const query = db('users as u').select('u.*').where('u.id', Number(claims.sub)).first();
  if (claims.sid) {
    query.select(db.raw('(select count(*) from sessions s where s.id = ? and s.user_id = u.id and s.revoked_at is null) as live_session', [claims.sid]));
  }
  const row = await query;
  if (!row || !row.is_active || (claims.sid && Number(row.live_session) !== 1) || row.token_version !== claims.ver) throw new Refused('TOKEN_INVALID');
  return row;
}

function viewerFrom(req) {
  const m = /^(\S+) +(\S+)$/.exec((req.headers.authorization ?? '').trim());
  if (!m || !['jwt', 'bearer'].includes(m[1].toLowerCase())) throw new Refused('UNAUTHENTICATED');
  return loadViewer(verifyAccess(m[2]));
}

function sign(user, sessionId, origIat) {
  const iat = nowSeconds();
  const payload = { sub: String(user.id), username: user.username, iat, exp: iat + EXPIRES, orig_iat: origIat, jti: crypto.randomBytes(12).toString('base64url'), typ: 'access', ver: user.token_version, sid: sessionId };
  return { token: jwt.sign(payload, key, { algorithm: 'HS256' }), payload };
}

const authPayload = (user, sessionId, origIat, refreshToken) => {
  const { token, payload } = sign(user, sessionId, origIat);
  return { token, refreshToken, payload: { exp: payload.exp }, user: { id: String(user.id), username: user.username } };
};

const encodeCursor = (id) => Buffer.from(`user:${id}`).toString('base64url');
const decodeCursor = (cursor) => Number(Buffer.from(cursor, 'base64url').toString('utf8').slice('user:'.length));

const handlers = {
  async verify({ t }) {
    const claims = verifyAccess(t);
    await loadViewer(claims);
    return { verifyToken: { payload: { sub: claims.sub, username: claims.username, exp: claims.exp } } };
  },

  async users({ after }, req) {
    const viewer = await viewerFrom(req);
    const first = 20;
    const rows = await db('users').select('*').where('id', '>', after ? decodeCursor(after) : 0).orderBy('id').limit(first + 1);
    const edges = rows.slice(0, first).map((u) => ({
      cursor: encodeCursor(u.id),
      node: {
        id: String(u.id), username: u.username, firstName: u.first_name, lastName: u.last_name, dateJoined: new Date(u.date_joined).toISOString(),
        email: viewer.id === u.id || viewer.is_staff || viewer.is_superuser ? u.email : null,
      },
    }));
    return { users: { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } } };
  },

  /** sessions.ts's rotation: find, check, claim, write the successor, in one transaction. */
  async refresh({ r }) {
    const token = opaque.parseToken(r ?? '');
    if (!token) throw new Refused('TOKEN_INVALID');
    const issued = await db.transaction(async (trx) => {
      const row = await trx('refresh_tokens as r').join('sessions as s', 's.id', 'r.session_id').join('users as u', 'u.id', 's.user_id')
        .select('r.secret_hash', 's.id as session_id', 's.created_at', 's.expires_at', 's.revoked_at', 's.token_version as session_version', 'u.*')
        .where('r.id', token.id).first();
      if (!row || !opaque.secretMatches(token.secret, row.secret_hash)) throw new Refused('TOKEN_INVALID');
      if (row.revoked_at || row.expires_at <= Date.now() || !row.is_active || row.token_version !== row.session_version) throw new Refused('TOKEN_INVALID');
      const now = Date.now();
      const claimed = await trx('refresh_tokens').where({ id: token.id, used_at: null }).update({ used_at: now });
      if (claimed !== 1) throw new Refused('REFRESH_TOKEN_REUSED');
      const next = opaque.successorOf(token, hmacKey);
      await trx('refresh_tokens').insert({ id: next.id, session_id: row.session_id, secret_hash: opaque.hashSecret(next.secret), created_at: now });
      await trx('sessions').where('id', row.session_id).update({ last_used_at: now });
      return { row, next };
    });
    const { row, next } = issued;
    return { refreshToken: authPayload(row, row.session_id, Math.floor(row.created_at / 1000), opaque.formatToken(next)) };
  },

  /** accounts.ts + sessions.ts: find by username or email, argon2 verify, stamp last_login, start a session. */
  async login({ u, p }) {
    const login = String(u).trim().toLowerCase();
    const rows = await db('users').select('*').where('username_key', login).orWhere('email_key', login).limit(2);
    const user = rows.find((row) => row.username_key === login) ?? rows[0];
    if (!user || !(await argonVerify(user.password, String(p)).catch(() => false)) || !user.is_active) throw new Refused('INVALID_CREDENTIALS');
    const now = Date.now();
    await db.transaction((trx) => trx('users').where('id', user.id).update({ last_login: now }));
    const sessionId = opaque.newTokenId();
    const refresh = opaque.newOpaqueToken();
    await db.transaction(async (trx) => {
      await trx('sessions').insert({ id: sessionId, user_id: user.id, created_at: now, last_used_at: now, expires_at: now + SESSION_LIFETIME_MS, token_version: user.token_version, user_agent: null, ip: null });
      await trx('refresh_tokens').insert({ id: refresh.id, session_id: sessionId, secret_hash: opaque.hashSecret(refresh.secret), created_at: now });
    });
    return { login: authPayload(user, sessionId, Math.floor(now / 1000), opaque.formatToken(refresh)) };
  },
};

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(req, res) {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') return send(res, 200, { status: 'ok' });
  const handler = req.method === 'POST' && Object.hasOwn(handlers, path.slice(1)) ? handlers[path.slice(1)] : undefined;
  if (!handler) return send(res, 404, { error: 'not found' });
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const { variables = {} } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  send(res, 200, { data: await handler(variables, req) });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    if (!(err instanceof Refused)) console.error('baseline:', err);
    send(res, err instanceof Refused ? 401 : 500, { errors: [{ message: err.message }] });
  });
});
server.listen(Number(env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
