'use strict';
// Fills the benchmark database: authql's own migrations (through its CLI),
// then N users in bulk, all sharing one argon2id hash of PASSWORD made with
// authql's hasher (so any of them can sign in and none needs a rehash), and a
// pool of sessions whose refresh tokens only we know, stored the way
// src/auth/opaque-token.ts stores them.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { PasswordHasher } = require('../dist/src/accounts/passwords');
const { formatToken, hashSecret, newOpaqueToken, newTokenId } = require('../dist/src/sessions/opaque-token');
const { openDatabase } = require('./database');

const PASSWORD = 'bench-otter-trampoline-42';
const BATCH = 1000;
const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const USER_COLUMNS = ['id', 'username', 'username_key', 'email', 'email_key', 'email_verified', 'password', 'first_name', 'last_name', 'is_active', 'is_staff', 'is_superuser', 'date_joined', 'token_version'];

const userName = (id) => `user${String(id).padStart(6, '0')}`;

/** One multi-row INSERT per batch (knex's own multi-row form for SQLite is a UNION chain capped at 500). */
async function insertRows(trx, table, columns, rows) {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sql = `insert into \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) values ${rows.map(() => tuple).join(', ')}`;
  await trx.raw(sql, rows.flat());
}

async function seedUsers(trx, count, hash) {
  const now = Date.now();
  for (let start = 1; start <= count; start += BATCH) {
    const rows = [];
    for (let id = start; id < Math.min(start + BATCH, count + 1); id++) {
      const name = userName(id);
      rows.push([id, name, name, `${name}@example.com`, `${name}@example.com`, 1, hash, 'Bench', `User ${id}`, 1, 0, 0, now, 0]);
    }
    await insertRows(trx, 'users', USER_COLUMNS, rows);
  }
}

/** Sessions with one live refresh token each; returns the tokens (`id.secret`). */
async function seedSessions(trx, count, userCount) {
  const now = Date.now();
  const sessions = [];
  const refreshRows = [];
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const id = newTokenId();
    const token = newOpaqueToken();
    sessions.push([id, 1 + (i % userCount), now, now, now + SESSION_LIFETIME_MS, 0]);
    refreshRows.push([token.id, id, hashSecret(token.secret), now]);
    tokens.push(formatToken(token));
  }
  for (let i = 0; i < count; i += BATCH) {
    await insertRows(trx, 'sessions', ['id', 'user_id', 'created_at', 'last_used_at', 'expires_at', 'token_version'], sessions.slice(i, i + BATCH));
    await insertRows(trx, 'refresh_tokens', ['id', 'session_id', 'secret_hash', 'created_at'], refreshRows.slice(i, i + BATCH));
  }
  return tokens;
}

/** Migrates and fills `dbPath`; returns the refresh tokens of `sessions` fresh sessions. */
async function seed({ env, dbPath, users, sessions }) {
  execFileSync(process.execPath, [path.join(__dirname, '../dist/src/cli/manage.js'), 'migrate'], { env, stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  const hash = await new PasswordHasher().hash(PASSWORD);
  const db = openDatabase(dbPath);
  try {
    return await db.transaction(async (trx) => {
      await seedUsers(trx, users, hash);
      return seedSessions(trx, sessions, users);
    });
  } finally {
    await db.destroy();
  }
}

module.exports = { PASSWORD, seed, userName };
