// db/fixed-transaction.ts on the pass's database (SQLite, or PostgreSQL with
// TEST_DATABASE_URL): the refresh's rotation runs on it, past MikroORM.
import type { SqlEntityManager } from '@mikro-orm/knex';
import { fixedTransaction, type Steps } from '../../src/db/fixed-transaction';
import { type Orm, openOrm } from '../../src/db/orm';
import { freshDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
let orm: Orm;
let em: SqlEntityManager;
beforeAll(async () => {
  db = await freshDatabase({ shared: true });
  orm = await openOrm(db.url, { migrate: false });
  em = orm.em.fork() as SqlEntityManager;
  await em.getKnex().raw('create table t (id integer primary key, n integer not null)');
});
afterAll(async () => {
  await orm.close(true);
  await db.drop();
});

function* insert(id: number, n: number): Steps<number> {
  return (yield { sql: 'insert into t (id, n) values (?, ?)', bindings: [id, n] }).changes;
}

function* rowsOf(): Steps<unknown[]> {
  return (yield { sql: 'select id, n from t where id > ? order by id', bindings: [0] }).rows;
}

test('the steps see each other, and a failing step rolls back the steps before it', async () => {
  function* twice(): Steps<void> {
    expect(yield* insert(1, 1)).toBe(1);
    expect(yield* rowsOf()).toEqual([{ id: 1, n: 1 }]);
    yield* insert(1, 2); // the same key: fails
  }
  // The message, not `rejects.toThrow`: better-sqlite3's native part keeps the SqliteError class of the
  // first test file that loaded it in this jest worker, so in a later file the error is another realm's
  // Error and jest reports "did not throw" (it failed that way in CI after sqlite.test.ts).
  const failure = await fixedTransaction(em, twice).then(
    () => 'resolved',
    (err: unknown) => String((err as { message?: unknown }).message ?? err),
  );
  expect(failure).toMatch(/UNIQUE|duplicate key/);
  expect(await fixedTransaction(em, rowsOf)).toEqual([]);
});

// On PostgreSQL each text is a named statement: the second use on a connection skips parsing, and must still bind anew.
test('the same texts run again, concurrently, with their own values', async () => {
  const ids = Array.from({ length: 20 }, (_, i) => i + 10);
  expect(await Promise.all(ids.map((id) => fixedTransaction(em, () => insert(id, id * 2))))).toEqual(ids.map(() => 1));
  function* update(): Steps<number> {
    return (yield { sql: 'update t set n = ? where id = ? and n = ?', bindings: [0, 10, 20] }).changes;
  }
  expect(await fixedTransaction(em, update)).toBe(1);
  expect(await fixedTransaction(em, update)).toBe(0);
  const rows = (await fixedTransaction(em, rowsOf)) as Array<{ id: number; n: number }>;
  expect(rows.map((r) => [Number(r.id), Number(r.n)])).toEqual(ids.map((id) => [id, id === 10 ? 0 : id * 2]));
});

test('inside an EntityManager transaction the steps are part of it', async () => {
  await expect(
    em.fork().transactional(async (tx) => {
      await fixedTransaction(tx as SqlEntityManager, () => insert(100, 1));
      throw new Error('roll back');
    }),
  ).rejects.toThrow('roll back');
  const rows = (await fixedTransaction(em, rowsOf)) as Array<{ id: number }>;
  expect(rows.map((r) => Number(r.id))).not.toContain(100);
});
