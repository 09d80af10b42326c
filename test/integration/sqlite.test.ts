// The embedded database's settings, and several processes on one SQLite file
// (replicas, the CLI beside the server): a write transaction takes the write
// lock when it begins, so it waits there rather than failing half-way; and
// waiting for another process's lock never freezes the event loop, although
// better-sqlite3 itself is synchronous.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openOrm, sqlitePath } from '../../src/db/orm';
import { BLOCKING_WAIT_MS } from '../../src/db/sqlite-client';
import { freshDatabase, type TestDatabase, testPostgresUrl } from '../helpers/database';
import { registerUser } from '../helpers/fixtures';
import { LOGIN } from '../helpers/operations';
import { startTestServer } from '../helpers/server';

/** A second connection, as another process has; `timeout: 0` so it never waits itself. */
const otherConnection = (db: TestDatabase) => new Database(sqlitePath(db.url), { timeout: 0 });

(testPostgresUrl() ? describe.skip : describe)('SQLite shared between processes', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await freshDatabase({ shared: true });
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
  // timer, which only fires if the event loop is free meanwhile.
  test("a write waiting for another connection's lock leaves the event loop free, then succeeds", async () => {
    const server = await startTestServer({ DATABASE_URL: db.url, SQLITE_BUSY_TIMEOUT: '5' });
    const other = otherConnection(db);
    try {
      const u = await registerUser(server);
      other.exec('BEGIN IMMEDIATE');
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = Date.now();
      setTimeout(() => other.exec('COMMIT'), 1000);
      const login = await server.gql(LOGIN, { username: u.user.username, password: u.password });
      delay.disable();
      expect(login.errors).toBeUndefined();
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
