// A hand-written read with its values as bindings, for the paths that run on
// every API call (the viewer, a users page). The text repeats from request to
// request, so SQLite runs a kept prepared statement (statement-cache.ts); a
// MikroORM query builder writes its values into the text and is built and
// compiled again each time.
import type { SqlEntityManager } from '@mikro-orm/knex';
import { type PgPool, runNamed } from './pg-named';

export type Row = Record<string, unknown>;
export type Binding = string | number | boolean | Date | null;

/** What the SQLite client offers (db/sqlite-client.ts); PostgreSQL's has no such thing. */
interface DirectReads {
  readNow?(sql: string, bindings: readonly Binding[]): unknown[] | undefined;
  dialect?: string;
}

/**
 * The rows of `sql` (`?` placeholders), inside the EntityManager's
 * transaction when it has one. Outside one, SQLite answers at once when it
 * can (sqlite-client.ts readNow), past knex's pool and runner, which cost as
 * much as a short statement, and PostgreSQL runs it as a named statement.
 */
export async function rawRows(em: SqlEntityManager, sql: string, bindings: readonly Binding[]): Promise<Row[]> {
  const knex = em.getKnex();
  const trx = em.getTransactionContext();
  if (!trx) {
    const client = knex.client as DirectReads;
    const now = client.readNow?.(sql, bindings);
    if (now) return now as Row[];
    // PostgreSQL: a named statement on a connection of the pool (db/pg-named.ts).
    if (client.dialect === 'postgresql') return runNamed(knex.client as unknown as PgPool, sql, bindings);
  }
  const query = knex.raw(sql, bindings);
  if (trx) query.transacting(trx);
  const result = (await query) as Row[] | { rows: Row[] };
  // knex answers a raw query with the driver's own result: rows from better-sqlite3, { rows } from pg.
  return Array.isArray(result) ? result : result.rows;
}
