// Database faults answer a retryable SERVICE_UNAVAILABLE, never a 500 with a
// stack, and never hand out a token whose refresh row was not stored. Which
// fault depends on the pass: a locked SQLite file, or lost PostgreSQL
// connections (TEST_DATABASE_URL).
import Database from 'better-sqlite3';
import { sqlitePath } from '../../src/db/orm';
import { freshDatabase, testPostgresUrl, withAdmin } from '../helpers/database';
import { registerUser } from '../helpers/fixtures';
import { LOGIN, REFRESH } from '../helpers/operations';
import { startTestServer } from '../helpers/server';

const UNAVAILABLE = { code: 'SERVICE_UNAVAILABLE', retryable: true };
const pg = testPostgresUrl();

async function lockSqlite(file: string): Promise<() => Promise<void>> {
  const db = new Database(file, { timeout: 0 });
  db.exec('BEGIN EXCLUSIVE');
  return async () => {
    db.exec('COMMIT');
    db.close();
  };
}

async function cutPostgres(url: string, allow: boolean): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdmin(pg!, async (c) => {
    await c.query(`alter database "${name}" allow_connections ${allow}`);
    if (!allow) await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  });
}

test(pg ? 'lost PostgreSQL connections: SERVICE_UNAVAILABLE, then recovery' : 'a locked SQLite database: SERVICE_UNAVAILABLE, then recovery', async () => {
  const db = await freshDatabase({ shared: true });
  const server = await startTestServer({ DATABASE_URL: db.url, SQLITE_BUSY_TIMEOUT: '1' });
  try {
    const u = await registerUser(server);
    const cut = async () => (pg ? cutPostgres(db.url, false) : lockSqlite(sqlitePath(db.url)));
    const release = await cut();

    // Three times each: the first answer is Apollo's, the others the prepared-operation path's
    // (graphql/prepared-operations.ts), which once answered these INTERNAL_SERVER_ERROR.
    for (let i = 0; i < 3; i++) {
      const login = await server.gql(LOGIN, { username: u.user.username, password: u.password });
      expect(login.status).toBe(200);
      expect(login.errors?.[0].extensions).toEqual(UNAVAILABLE);
      expect(login.data).toBeNull();
      const refresh = await server.gql(REFRESH, { refreshToken: u.refreshToken });
      expect(refresh.errors?.[0].extensions).toEqual(UNAVAILABLE);
      expect(JSON.stringify([login, refresh])).not.toMatch(/SQLITE|at .*\.js|terminat/i);
    }
    if (pg) expect((await fetch(`${server.app.origin}/readyz`)).status).toBe(503);

    if (pg) await cutPostgres(db.url, true);
    else await (release as () => Promise<void>)();
    // The failed refresh stored nothing: the same token still works, once.
    let again = await server.gql(REFRESH, { refreshToken: u.refreshToken });
    if (again.errors?.[0].extensions?.code === 'SERVICE_UNAVAILABLE') again = await server.gql(REFRESH, { refreshToken: u.refreshToken }); // a pooled connection that died
    expect(again.errors).toBeUndefined();
    expect((await server.gql(LOGIN, { username: u.user.username, password: u.password })).errors).toBeUndefined();
    expect((await fetch(`${server.app.origin}/readyz`)).status).toBe(200);
  } finally {
    await server.stop();
    await db.drop();
  }
});
