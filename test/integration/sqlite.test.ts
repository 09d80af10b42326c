// The embedded database's settings, and several processes on one SQLite file
// (replicas, the CLI beside the server): a write transaction takes the write
// lock when it begins, so it waits there rather than failing half-way; and
// waiting for another process's lock never freezes the event loop, although
// better-sqlite3 itself is synchronous.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SqlEntityManager } from '@mikro-orm/knex';
import Database from 'better-sqlite3';
import { fixedTransaction, type Steps } from '../../src/db/fixed-transaction';
import { openOrm, sqlitePath } from '../../src/db/orm';
import { rawRows } from '../../src/db/raw-query';
import { BLOCKING_WAIT_MS } from '../../src/db/sqlite-client';
import { preparedOn, STATEMENT_CACHE_SIZE } from '../../src/db/statement-cache';
import { freshSqliteDatabase, type TestDatabase } from '../helpers/database';
import { registerUser } from '../helpers/fixtures';
import { LOGIN, REFRESH } from '../helpers/operations';
import { startTestServer, type TestServer } from '../helpers/server';

type Registered = Awaited<ReturnType<typeof registerUser>>;

/** A second connection, as another process has; `timeout: 0` so it never waits itself. */
const otherConnection = (db: TestDatabase) => new Database(sqlitePath(db.url), { timeout: 0 });

// SQLite is always at hand, so these run in the PostgreSQL pass too (on a SQLite file of their own).
describe('SQLite shared between processes', () => {
  let db: TestDatabase;
  beforeEach(() => {
    db = freshSqliteDatabase({ shared: true });
  });
  afterEach(() => db.drop());

  test('a new file is opened in WAL mode, without an fsync per commit, with foreign keys on', async () => {
    const orm = await openOrm(db.url, { migrate: false });
    try {
      const pragma = async (name: string) => Object.values((await orm.em.getConnection().execute(`pragma ${name}`))[0])[0];
      expect(await pragma('journal_mode')).toBe('wal');
      // 1 = NORMAL; SQLite would leave the connection that switched the file to WAL at FULL (2).
      expect(await pragma('synchronous')).toBe(1);
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(BLOCKING_WAIT_MS);
    } finally {
      await orm.close(true);
    }
  });

  test('a write transaction holds the write lock from BEGIN; a read-only one takes none', async () => {
    const orm = await openOrm(db.url, { migrate: true });
    const other = otherConnection(db);
    try {
      await orm.em.fork().transactional(async () => {
        // Nothing written yet: a deferred BEGIN would not hold the lock here.
        expect(() => other.exec('BEGIN IMMEDIATE')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
      });
      await orm.em.fork().transactional(
        async () => {
          other.exec('BEGIN IMMEDIATE');
          other.exec('ROLLBACK');
        },
        { readOnly: true },
      );
    } finally {
      other.close();
      await orm.close(true);
    }
  });

  // Another connection holds the write lock for a second and lets go from a
  // timer, which only fires if the event loop is free meanwhile. A sign-in
  // writes through knex; a refresh rotates in one synchronous transaction
  // (db/fixed-transaction.ts), whose busy BEGIN must be retried, not waited on.
  test.each([
    ['a write', async (server: TestServer, u: Registered) => server.gql(LOGIN, { username: u.user.username, password: u.password })],
    ['a refresh', async (server: TestServer, u: Registered) => server.gql(REFRESH, { refreshToken: u.refreshToken })],
  ])("%s waiting for another connection's lock leaves the event loop free, then succeeds", async (_, operation) => {
    const server = await startTestServer({ DATABASE_URL: db.url, SQLITE_BUSY_TIMEOUT: '5' });
    const other = otherConnection(db);
    try {
      const u = await registerUser(server);
      other.exec('BEGIN IMMEDIATE');
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = Date.now();
      setTimeout(() => other.exec('COMMIT'), 1000);
      const answer = await operation(server, u);
      delay.disable();
      expect(answer.errors).toBeUndefined();
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      // A blocking wait would hold the loop for the whole second (or the whole 5 s budget).
      expect(delay.max / 1e6).toBeLessThan(500);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await server.stop();
    }
  });
});

describe('fixed transactions (db/fixed-transaction.ts)', () => {
  function* insert(id: number): Steps<number> {
    return (yield { sql: 'insert into t (id) values (?)', bindings: [id] }).changes;
  }

  // Run at once, it would become a savepoint of the open transaction and vanish with its rollback.
  test("one begun while another request's transaction is open on the connection waits for it, and is not part of it", async () => {
    const db = freshSqliteDatabase({ shared: true });
    const orm = await openOrm(db.url, { migrate: false });
    try {
      const outside = orm.em.fork() as SqlEntityManager;
      await outside.getKnex().raw('create table t (id integer primary key)');
      let during: Promise<number> | undefined;
      await expect(
        orm.em.fork().transactional(async (em) => {
          await (em as SqlEntityManager).execute('insert into t (id) values (1)');
          during = fixedTransaction(outside, () => insert(2));
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await during).toBe(1);
      expect(await rawRows(outside, 'select id from t where id > ?', [0])).toEqual([{ id: 2 }]);
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });
});

describe('kept prepared statements', () => {
  test('a query with bindings is prepared once per connection, and still reads right after the schema changes', async () => {
    const db = freshSqliteDatabase({ shared: true });
    const orm = await openOrm(db.url, { migrate: false });
    try {
      const knex = (orm.em as SqlEntityManager).getKnex();
      await knex.raw('create table t (id integer primary key, name text)');
      await knex.raw('insert into t (id, name) values (?, ?), (?, ?)', [1, 'a', 2, 'b']);
      const conn = (await knex.client.acquireConnection()) as Database.Database;
      knex.client.releaseConnection(conn);
      const read = (id: number) => knex.raw('select * from t where id = ?', [id]);
      // Watches better-sqlite3 (it still prepares): how often the statement is compiled.
      const prepare = jest.spyOn(conn, 'prepare');
      expect(await read(1)).toEqual([{ id: 1, name: 'a' }]);
      expect(await read(2)).toEqual([{ id: 2, name: 'b' }]);
      expect(prepare).toHaveBeenCalledTimes(1);
      prepare.mockRestore();
      // SQLite prepares a kept statement again by itself when the schema changes (a migration).
      await knex.raw('alter table t add column extra text');
      expect(await read(1)).toEqual([{ id: 1, name: 'a', extra: null }]);
    } finally {
      await orm.close(true);
    }
  });

  // The connection is shared: a read that skipped the pool while another request's transaction is open
  // on it would see that transaction's uncommitted rows, and keep them if it then rolled back.
  test("a read from outside never sees another transaction's uncommitted rows", async () => {
    const db = freshSqliteDatabase({ shared: true });
    const orm = await openOrm(db.url, { migrate: false });
    try {
      const outside = orm.em.fork() as SqlEntityManager;
      const count = async () => Number((await rawRows(outside, 'select count(*) as n from t where id > ?', [0]))[0].n);
      await outside.getKnex().raw('create table t (id integer primary key)');
      expect(await count()).toBe(0); // the connection has run a query: reads now go past the pool
      let during: Promise<number> | undefined;
      await expect(
        orm.em.fork().transactional(async (em) => {
          await (em as SqlEntityManager).execute('insert into t (id) values (1)');
          during = count();
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await during).toBe(0);
      expect(await count()).toBe(0);
    } finally {
      await orm.close(true);
    }
  });

  test('the cache keeps the most recently used statements up to its bound', () => {
    const conn = new Database(':memory:');
    try {
      const sql = (i: number) => `select ${i} as n where ? = 1`;
      const kept = preparedOn(conn, sql(0));
      for (let i = 1; i < STATEMENT_CACHE_SIZE; i++) preparedOn(conn, sql(i));
      expect(preparedOn(conn, sql(0))).toBe(kept); // used again: now the most recent
      preparedOn(conn, sql(STATEMENT_CACHE_SIZE)); // over the bound: sql(1), the least recent, goes
      expect(preparedOn(conn, sql(0))).toBe(kept);
      expect(preparedOn(conn, sql(STATEMENT_CACHE_SIZE)).get(1)).toEqual({ n: STATEMENT_CACHE_SIZE });
    } finally {
      conn.close();
    }
  });
});
