'use strict';
// The benchmark's bare limit: a node:http server doing, per request, the
// checks authql does for the same operation, without GraphQL or the ORM: the
// same JWT code (authql's own HMAC verify, sessions/jws.ts; jsonwebtoken
// signs) with a KeyObject key, the same SQL as prepared statements
// (better-sqlite3 on SQLite, named statements on PostgreSQL), the same
// rotation (find the token, check its session, claim it, write its
// successor), the same argon2 library and authql's own opaque-token helpers.
// It answers in GraphQL's `{ data }` shape so the benchmark reads both alike.
// Started by bench/run.js with authql's environment (DATABASE_URL, JWT_SECRET_KEY).
const crypto = require('node:crypto');
const http = require('node:http');
const jwt = require('jsonwebtoken');
const { verify: argonVerify } = require('@node-rs/argon2');
const { databaseKind, jws, opaque, sqlitePath } = require('../authql');
const { openPgStore } = require('./pg-store');
const { openSqliteStore } = require('./sqlite-store');

const env = process.env;
const key = crypto.createSecretKey(Buffer.from(env.JWT_SECRET_KEY, 'utf8'));
// Successors only ever come back to this server, so any server key will do.
const hmacKey = crypto.randomBytes(32);
const EXPIRES = Number(env.JWT_EXPIRATION_DELTA ?? 300);
const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const db = databaseKind(env.DATABASE_URL) === 'postgresql' ? openPgStore(env.DATABASE_URL) : openSqliteStore(sqlitePath(env.DATABASE_URL));
const nowSeconds = () => Math.floor(Date.now() / 1000);
const ms = (v) => (v instanceof Date ? v.getTime() : Number(v));

class Refused extends Error {}

function verifyAccess(token) {
  let c;
  try {
    c = jws.verifyHmac(token, key, 'sha256', { leeway: 0 });
  } catch {
    throw new Refused('TOKEN_INVALID');
  }
  const shapeOk =
    c.typ === 'access' &&
    typeof c.sub === 'string' &&
    /^\d{1,15}$/.test(c.sub) &&
    Number.isInteger(c.ver) &&
    Number.isInteger(c.exp) &&
    typeof c.sid === 'string';
  if (!shapeOk || c.iat > nowSeconds()) throw new Refused('TOKEN_INVALID');
  return c;
}

/** viewer.ts's one query: the user, and whether the token's session is live. */
async function liveUser(claims, full) {
  const row = await (full ? db.viewer : db.check)(Number(claims.sub), claims.sid);
  if (!row?.is_active || Number(row.live_session) !== 1 || row.token_version !== claims.ver) throw new Refused('TOKEN_INVALID');
  return row;
}

function viewerFrom(req) {
  const m = /^(\S+) +(\S+)$/.exec((req.headers.authorization ?? '').trim());
  if (!m || !['jwt', 'bearer'].includes(m[1].toLowerCase())) throw new Refused('UNAUTHENTICATED');
  return liveUser(verifyAccess(m[2]), true);
}

function authPayload(user, sessionId, origIat, refreshToken) {
  const iat = nowSeconds();
  const payload = {
    sub: String(user.id),
    username: user.username,
    iat,
    exp: iat + EXPIRES,
    orig_iat: origIat,
    jti: crypto.randomBytes(12).toString('base64url'),
    typ: 'access',
    ver: user.token_version,
    sid: sessionId,
  };
  const token = jwt.sign(payload, key, { algorithm: 'HS256' });
  return { token, refreshToken, payload: { exp: payload.exp }, user: { id: String(user.id), username: user.username } };
}

const encodeCursor = (id) => Buffer.from(`user:${id}`).toString('base64url');
const decodeCursor = (cursor) => Number(Buffer.from(cursor, 'base64url').toString('utf8').slice('user:'.length));

const handlers = {
  async verify({ t }) {
    const claims = verifyAccess(t);
    await liveUser(claims, false);
    return { verifyToken: { payload: { sub: claims.sub, username: claims.username, exp: claims.exp } } };
  },

  async users({ after }, req) {
    const viewer = await viewerFrom(req);
    const first = 20;
    const rows = await db.page(after ? decodeCursor(after) : 0, first + 1);
    const edges = rows.slice(0, first).map((u) => ({
      cursor: encodeCursor(u.id),
      node: {
        id: String(u.id),
        username: u.username,
        firstName: u.first_name,
        lastName: u.last_name,
        dateJoined: new Date(ms(u.date_joined)).toISOString(),
        email: viewer.id === u.id || viewer.is_staff || viewer.is_superuser ? u.email : null,
      },
    }));
    return { users: { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } } };
  },

  /** sessions.ts's rotation in one write transaction. */
  async refresh({ r }) {
    const token = opaque.parseToken(r ?? '');
    if (!token) throw new Refused('TOKEN_INVALID');
    const now = Date.now();
    const check = (row) => {
      if (!row || !opaque.secretMatches(token.secret, row.secret_hash)) return 'TOKEN_INVALID';
      if (row.revoked_at || ms(row.expires_at) <= now || !row.is_active || row.token_version !== row.session_version) return 'TOKEN_INVALID';
      return null;
    };
    const next = opaque.successorOf(token, hmacKey);
    const { row, problem } = await db.rotate(token.id, check, now, { id: next.id, hash: opaque.hashSecret(next.secret) });
    if (problem) throw new Refused(problem);
    return { refreshToken: authPayload(row, row.session_id, Math.floor(ms(row.created_at) / 1000), opaque.formatToken(next)) };
  },

  /** accounts.ts + sessions.ts: find by username or email, argon2 verify, stamp last_login, start a session. */
  async login({ u, p }) {
    const login = String(u).trim().toLowerCase();
    const rows = await db.byLogin(login);
    const user = rows.find((row) => row.username_key === login) ?? rows[0];
    if (!user || !(await argonVerify(user.password, String(p)).catch(() => false)) || !user.is_active) throw new Refused('INVALID_CREDENTIALS');
    const now = Date.now();
    await db.stampLogin(user.id, now);
    const refresh = opaque.newOpaqueToken();
    const session = { id: opaque.newTokenId(), userId: user.id, now, expiresAt: now + SESSION_LIFETIME_MS, tokenVersion: user.token_version };
    await db.startSession(session, { id: refresh.id, hash: opaque.hashSecret(refresh.secret) });
    return { login: authPayload(user, session.id, Math.floor(now / 1000), opaque.formatToken(refresh)) };
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
