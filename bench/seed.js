'use strict';
// Fills a benchmark database: authql's own migrations (through its CLI), then
// N users in bulk, all sharing one argon2id hash of PASSWORD made with
// authql's hasher (so any of them can sign in and none needs a rehash), and a
// supply of sessions whose refresh tokens only we know, stored the way
// authql's opaque tokens are. SQLite through better-sqlite3, PostgreSQL
// through pg, both with multi-row inserts in one transaction.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const Database = require('better-sqlite3');
const { Client } = require('pg');
const { databaseKind, opaque, PasswordHasher, sqlitePath } = require('./authql');

const PASSWORD = 'bench-otter-trampoline-42';
const BATCH = 1000;
const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const USER_COLUMNS = [
  'id',
  'username',
  'username_key',
  'email',
  'email_key',
  'email_verified',
  'password',
  'first_name',
  'last_name',
  'is_active',
  'is_staff',
  'is_superuser',
  'date_joined',
  'token_version',
];

const userName = (id) => `user${String(id).padStart(6, '0')}`;

/** A writer of multi-row INSERTs in one transaction; `value` turns booleans and times into the database's own. */
async function openWriter(databaseUrl) {
  if (databaseKind(databaseUrl) === 'postgresql') {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query('begin');
    return {
      value: (v) => (typeof v === 'object' && v?.ms !== undefined ? new Date(v.ms) : v),
      insert: async (table, columns, rows) => {
        let n = 0;
        const tuples = rows.map((row) => `(${row.map(() => `$${++n}`).join(', ')})`);
        await client.query(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`, rows.flat());
      },
      finish: async () => {
        // Explicit ids leave the sequence behind; a sign-up during the run would collide.
        await client.query(`select setval('users_id_seq', (select max(id) from users))`);
        await client.query('commit');
        await client.query('analyze');
        await client.end();
      },
    };
  }
  const db = new Database(sqlitePath(databaseUrl));
  db.exec('BEGIN IMMEDIATE');
  return {
    value: (v) => (typeof v === 'boolean' ? Number(v) : typeof v === 'object' && v?.ms !== undefined ? v.ms : v),
    insert: async (table, columns, rows) => {
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      db.prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${rows.map(() => tuple).join(', ')}`).run(rows.flat());
    },
    finish: async () => {
      db.exec('COMMIT');
      db.exec('ANALYZE');
      db.close();
    },
  };
}

async function seedUsers(w, count, hash) {
  const now = { ms: Date.now() };
  for (let start = 1; start <= count; start += BATCH) {
    const rows = [];
    for (let id = start; id < Math.min(start + BATCH, count + 1); id++) {
      const name = userName(id);
      rows.push([id, name, name, `${name}@example.com`, `${name}@example.com`, true, hash, 'Bench', `User ${id}`, true, false, false, now, 0].map(w.value));
    }
    await w.insert('users', USER_COLUMNS, rows);
  }
}

/** Sessions with one live refresh token each; returns the tokens (`id.secret`). */
async function seedSessions(w, count, userCount) {
  const now = { ms: Date.now() };
  const expires = { ms: now.ms + SESSION_LIFETIME_MS };
  const tokens = [];
  for (let i = 0; i < count; i += BATCH) {
    const sessions = [];
    const refreshRows = [];
    for (let j = i; j < Math.min(i + BATCH, count); j++) {
      const id = opaque.newTokenId();
      const token = opaque.newOpaqueToken();
      sessions.push([id, 1 + (j % userCount), now, now, expires, 0].map(w.value));
      refreshRows.push([token.id, id, opaque.hashSecret(token.secret), now].map(w.value));
      tokens.push(opaque.formatToken(token));
    }
    await w.insert('sessions', ['id', 'user_id', 'created_at', 'last_used_at', 'expires_at', 'token_version'], sessions);
    await w.insert('refresh_tokens', ['id', 'session_id', 'secret_hash', 'created_at'], refreshRows);
  }
  return tokens;
}

/** Migrates and fills env.DATABASE_URL; returns the refresh tokens of `sessions` fresh sessions. */
async function seed({ env, users, sessions }) {
  execFileSync(process.execPath, [path.join(__dirname, '../dist/src/cli/manage.js'), 'migrate'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 120_000,
  });
  const hash = await new PasswordHasher().hash(PASSWORD);
  const w = await openWriter(env.DATABASE_URL);
  await seedUsers(w, users, hash);
  const tokens = await seedSessions(w, sessions, users);
  await w.finish();
  return tokens;
}

module.exports = { PASSWORD, seed, userName };
