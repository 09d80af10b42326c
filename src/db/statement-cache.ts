// Prepared statements kept per better-sqlite3 connection, by SQL text, the
// least recently used dropped past a bound. SQLite re-prepares a kept
// statement by itself when the schema changes (a migration), and a closed
// connection takes its statements with it (the cache is keyed weakly).
import type { Database, Statement } from 'better-sqlite3';

/** Distinct parameterised statements authql runs are a few dozen; the bound only stops a runaway. */
export const STATEMENT_CACHE_SIZE = 200;

const caches = new WeakMap<Database, Map<string, Statement>>();

export function preparedOn(conn: Database, sql: string): Statement {
  let cache = caches.get(conn);
  if (!cache) {
    cache = new Map();
    caches.set(conn, cache);
  }
  let statement = cache.get(sql);
  if (statement) {
    // Most recently used last: Map keeps insertion order.
    cache.delete(sql);
  } else {
    statement = conn.prepare(sql);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  cache.set(sql, statement);
  return statement;
}
