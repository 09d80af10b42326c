// One write transaction of fixed statements (`?` placeholders, values as
// bindings), written once for both databases as a generator: it yields each
// statement and receives its result, so the same steps run synchronously on
// SQLite and awaited on PostgreSQL. For a path that runs on every refresh:
// MikroORM's transactional fork, its unit of work and knex's transaction
// object cost several times what the statements do.
//
// - SQLite: the steps run in one BEGIN IMMEDIATE transaction on the
//   connection, on kept prepared statements, with no await between BEGIN and
//   COMMIT, so no other request can run on the connection meanwhile
//   (sqlite-client.ts inWriteTransaction).
// - PostgreSQL: one pooled connection, BEGIN … COMMIT, each text a named
//   statement, parsed once per connection.
// - Inside an EntityManager's open transaction the steps run in it, through knex.
import type { SqlEntityManager } from '@mikro-orm/knex';
import { named, type PgPool } from './pg-named';
import type { Binding, Row } from './raw-query';

export interface Statement {
  sql: string;
  bindings: readonly Binding[];
}

/** A read's rows, or how many rows a write changed. */
export interface StatementResult {
  rows: Row[];
  changes: number;
}

export type Steps<T> = Generator<Statement, T, StatementResult>;

/** What the SQLite client offers (sqlite-client.ts); PostgreSQL's client has no such thing. */
interface SqliteWrites {
  inWriteTransaction?<T>(work: (run: (s: Statement) => StatementResult) => T): Promise<T>;
}

/** Runs the generator's statements in one write transaction and resolves with what it returns. */
export async function fixedTransaction<T>(em: SqlEntityManager, steps: () => Steps<T>): Promise<T> {
  const knex = em.getKnex();
  const trx = em.getTransactionContext();
  if (trx) return runAwaited(steps(), async ({ sql, bindings }) => normalise(await knex.raw(sql, bindings).transacting(trx)));
  const sqlite = knex.client as SqliteWrites;
  // A fresh generator per attempt: a transaction that SQLite found busy is begun again from the first step.
  if (sqlite.inWriteTransaction) return sqlite.inWriteTransaction((run) => runSync(steps(), run));
  return inPgTransaction(knex.client as unknown as PgPool, steps());
}

function runSync<T>(steps: Steps<T>, run: (s: Statement) => StatementResult): T {
  let next = steps.next();
  while (!next.done) next = steps.next(run(next.value));
  return next.value;
}

async function runAwaited<T>(steps: Steps<T>, run: (s: Statement) => Promise<StatementResult>): Promise<T> {
  let next = steps.next();
  while (!next.done) next = steps.next(await run(next.value));
  return next.value;
}

async function inPgTransaction<T>(client: PgPool, steps: Steps<T>): Promise<T> {
  const conn = await client.acquireConnection();
  try {
    await conn.query('BEGIN');
    const result = await runAwaited(steps, async ({ sql, bindings }) => normalise(await conn.query({ ...named(sql), values: bindings })));
    await conn.query('COMMIT');
    return result;
  } catch (err) {
    // A failed ROLLBACK means the connection is gone; the statement's error is the one worth reporting.
    await conn.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.releaseConnection(conn);
  }
}

/** knex and the drivers answer with rows (better-sqlite3 reads), { changes } (its writes) or pg's { rows, rowCount }. */
function normalise(result: unknown): StatementResult {
  if (Array.isArray(result)) return { rows: result as Row[], changes: 0 };
  const r = result as { rows?: Row[]; rowCount?: number | null; changes?: number };
  return { rows: r.rows ?? [], changes: Number(r.changes ?? r.rowCount ?? 0) };
}
